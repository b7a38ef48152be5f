/// The audit trail: append-only, tamper-evident (hash-chained), searchable under the visibility rules.
///
/// Conformances must make ``append(_:)`` durable before it returns (the server sends data only after its access
/// is recorded, DOMAIN.md rule 8) and should group-commit concurrent callers. They apply every filter and the
/// ``AuditScope`` of a query inside the backend (indexed), never by filtering a page afterwards.
public protocol AuditLog: Sendable {
    /// Records `records`, in order, and returns once they are durably committed (after the fsync). Concurrent
    /// callers may share one transaction. Throws if nothing could be committed; then none of `records` is kept.
    func append(_ records: [AuditRecord]) async throws

    /// The event with this id, whoever may see it (the caller checks visibility, e.g. with a search by scope).
    func read(id: String) async throws -> AuditStoredEvent?

    /// One page of events matching `query` and visible under its scope, newest first.
    func search(_ query: AuditQuery) async throws -> AuditSearchPage

    /// Checks the whole trail: the hash chain, the sequence numbers and the indexed columns against each event.
    func verify() async throws -> AuditVerification
}
