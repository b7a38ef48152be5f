/// Comparison whose duration does not depend on where two secrets first differ.
enum ConstantTime {
    /// Whether `a` and `b` are equal, looking at every byte.
    static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
