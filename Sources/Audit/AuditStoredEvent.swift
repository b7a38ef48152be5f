import FHIRCore

/// An event as the log keeps it: its place in the trail and its `AuditEvent` JSON, exactly as hashed.
public struct AuditStoredEvent: Sendable, Hashable {
    /// The position in the trail (1, 2, 3, ... in commit order).
    public var sequence: Int64
    /// `AuditEvent.id` (the record's id).
    public var id: String
    /// The `AuditEvent` resource.
    public var event: JSON

    /// An event at `sequence`.
    public init(sequence: Int64, id: String, event: JSON) {
        self.sequence = sequence
        self.id = id
        self.event = event
    }
}
