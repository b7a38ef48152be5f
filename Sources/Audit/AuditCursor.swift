/// Where the next page of an audit search starts: after (older than) the event with this sequence number.
///
/// Opaque to clients: ``description`` is the text to put in a page link, ``init(_:)`` reads it back.
public struct AuditCursor: Sendable, Hashable, LosslessStringConvertible {
    /// Events strictly older (smaller sequence number) than this are on the next page.
    public var before: Int64

    /// The page of events with a sequence number below `before`.
    public init(before: Int64) { self.before = before }

    /// Reads a cursor from its ``description``.
    public init?(_ description: String) {
        guard let value = Int64(description), value > 0 else { return nil }
        before = value
    }

    public var description: String { String(before) }
}
