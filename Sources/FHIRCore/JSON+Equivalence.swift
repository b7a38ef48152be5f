#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension JSON {
    /// JSON value equality as RFC 6902 defines it for `test`: objects are equal when they have the same members
    /// whatever their order, arrays element by element, numbers by numeric value (`1`, `1.0` and `1e0` are equal),
    /// strings by their exact characters, and values of different kinds never.
    ///
    /// `==` stays the stricter structural equality (member order and number text matter).
    public func isEquivalent(to other: JSON) -> Bool {
        switch (self, other) {
        case (.null, .null):
            return true
        case (.bool(let a), .bool(let b)):
            return a == b
        case (.string(let a), .string(let b)):
            return a.utf8.elementsEqual(b.utf8)
        case (.number(let a), .number(let b)):
            if a == b { return true }
            guard let x = Decimal(string: a), let y = Decimal(string: b), !x.isNaN, !y.isNaN else { return false }
            return x == y
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.isEquivalent(to: $1) }
        case (.object(let a), .object(let b)):
            guard a.count == b.count else { return false }
            for member in a {
                guard let value = b[member.key], member.value.isEquivalent(to: value) else { return false }
            }
            return true
        default:
            return false
        }
    }
}
