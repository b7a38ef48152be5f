import Audit
import FHIRCore

/// A record rendered before it reaches the writer: its canonical bytes and the keys indexed with it. Rendering,
/// serialising and key extraction run on the caller's task, so the single writer only hashes and inserts.
struct PreparedAuditEvent: Sendable {
    /// The compact `AuditEvent` JSON: what is stored and hashed.
    let bytes: [UInt8]
    /// The indexed values, read from that JSON.
    let keys: AuditEventKeys

    /// Renders `record`.
    init(_ record: AuditRecord) throws(AuditLogError) {
        guard !record.id.isEmpty else { throw AuditLogError(.invalidRecord, "the record has no id") }
        guard !record.agent.who.isEmpty else { throw AuditLogError(.invalidRecord, "the record \(record.id) has no agent") }
        let event = record.auditEvent()
        guard let keys = AuditEventKeys(event: event) else {
            throw AuditLogError(.invalidRecord, "the record \(record.id) does not render as an indexable AuditEvent")
        }
        bytes = event.serialized()
        self.keys = keys
    }
}
