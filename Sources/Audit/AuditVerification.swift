/// The result of checking an audit trail from its first event: how many events were checked and intact, and the
/// first break, if any.
public struct AuditVerification: Sendable, Hashable {
    /// Why an event breaks the trail.
    public enum Reason: String, Sendable, Hashable {
        /// The event's content does not hash to its stored hash: it was modified.
        case hashMismatch = "hash mismatch"
        /// The event's previous hash is not the hash of the event before it: an event was removed, reordered,
        /// inserted or rewritten (with its hash recomputed) before this one.
        case chainBroken = "chain broken"
        /// A sequence number is missing before this one: events were deleted.
        case missingSequence = "missing sequence number"
        /// The indexed columns or the patient/entity rows of the event differ from its (hashed) JSON: the row was
        /// modified.
        case modifiedRow = "modified row"
        /// The event's content is not an AuditEvent this log rendered.
        case unreadable = "unreadable event"
        /// Events were removed from the end of the trail (the highest number ever issued is missing).
        case truncated = "truncated"
    }

    /// Where the trail breaks.
    public struct Break: Sendable, Hashable {
        /// The sequence number of the first event that does not verify (for a gap or a truncation, the first
        /// missing number).
        public var sequence: Int64
        /// The event's id, when the row exists.
        public var eventID: String?
        /// Why.
        public var reason: Reason
        /// Details for an operator.
        public var detail: String

        /// A break at `sequence`.
        public init(sequence: Int64, eventID: String?, reason: Reason, detail: String) {
            self.sequence = sequence
            self.eventID = eventID
            self.reason = reason
            self.detail = detail
        }
    }

    /// The events checked and found intact, from the first up to the break (all of them when intact).
    public var checkedCount: Int
    /// The first break, or nil when the trail is intact.
    public var firstBreak: Break?

    /// A result.
    public init(checkedCount: Int, firstBreak: Break?) {
        self.checkedCount = checkedCount
        self.firstBreak = firstBreak
    }

    /// `true` when no break was found.
    public var isIntact: Bool { firstBreak == nil }

    /// One line for an operator: `audit trail intact: 12 events`, or the first broken event and why.
    public var summary: String {
        guard let firstBreak else {
            return "audit trail intact: \(checkedCount) event\(checkedCount == 1 ? "" : "s")"
        }
        let id = firstBreak.eventID.map { " (id \($0))" } ?? ""
        return "audit trail BROKEN at event \(firstBreak.sequence)\(id): \(firstBreak.reason.rawValue): "
            + "\(firstBreak.detail); \(checkedCount) event\(checkedCount == 1 ? "" : "s") before it verified"
    }
}
