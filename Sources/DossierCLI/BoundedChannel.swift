/// A small bounded channel between one producing task and one consuming task: ``send(_:)`` waits while
/// `capacity` elements are buffered, so a fast reader cannot run ahead of a slow consumer (bounded memory).
actor BoundedChannel<Element: Sendable> {
    private var buffer: [Element] = []
    private let capacity: Int
    private var closed = false
    private var waitingReceiver: CheckedContinuation<Element?, Never>?
    private var waitingSenders: [CheckedContinuation<Void, Never>] = []

    /// A channel buffering at most `capacity` elements (at least 1).
    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Hands `element` over, waiting while the buffer is full. Returns `false` (dropping the element) when the
    /// channel was closed, which tells the producer to stop.
    @discardableResult
    func send(_ element: Element) async -> Bool {
        while !closed && buffer.count >= capacity {
            await withCheckedContinuation { waitingSenders.append($0) }
        }
        if closed { return false }
        if let receiver = waitingReceiver {
            waitingReceiver = nil
            receiver.resume(returning: element)
        } else {
            buffer.append(element)
        }
        return true
    }

    /// The next element, waiting for one; `nil` once the channel is closed and drained.
    func receive() async -> Element? {
        if !buffer.isEmpty {
            let element = buffer.removeFirst()
            if !waitingSenders.isEmpty { waitingSenders.removeFirst().resume() }
            return element
        }
        if closed { return nil }
        return await withCheckedContinuation { waitingReceiver = $0 }
    }

    /// Closes the channel: the receiver gets what is buffered, then `nil`; blocked and later senders get `false`.
    func close() {
        closed = true
        waitingReceiver?.resume(returning: nil)
        waitingReceiver = nil
        for sender in waitingSenders { sender.resume() }
        waitingSenders.removeAll()
    }

    /// Closes the channel and drops what is buffered (the consumer gave up).
    func cancel() {
        buffer.removeAll()
        close()
    }
}
