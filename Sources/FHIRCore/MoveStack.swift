/// A growable stack that hands its top elements over by moving them (no copies, no reference counting) into an
/// exactly sized array: the parser's scratch space for the containers it has not closed yet.
final class MoveStack<Element> {
    private var storage: UnsafeMutablePointer<Element>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int = 64) {
        self.capacity = capacity
        storage = .allocate(capacity: capacity)
    }

    deinit {
        storage.deinitialize(count: count)
        storage.deallocate()
    }

    @inline(__always)
    func push(_ element: consuming Element) {
        if count == capacity { grow() }
        (storage + count).initialize(to: element)
        count += 1
    }

    private func grow() {
        let bigger = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
        bigger.moveInitialize(from: storage, count: count)
        storage.deallocate()
        storage = bigger
        capacity *= 2
    }

    /// Moves the elements from `base` to the top into a new array, leaving `base` elements.
    @inline(__always)
    func pop(from base: Int, into result: inout [Element]) {
        let k = count - base
        result.reserveCapacity(k)
        for j in base..<count { result.append((storage + j).move()) }
        count = base
    }

    func forEach(from base: Int, _ body: (Element) -> Void) {
        for j in base..<count { body(storage[j]) }
    }
}

extension MoveStack where Element == JSONObject.Member {
    /// Whether a member from `base` to the top has this key.
    @inline(__always)
    func contains(key: String, from base: Int) -> Bool {
        var j = base
        while j < count {
            if storage[j].key == key { return true }
            j += 1
        }
        return false
    }
}
