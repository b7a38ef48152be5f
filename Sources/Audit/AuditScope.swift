/// Which events an actor may see (DOMAIN.md rule 8), computed by the server from the actor and pushed into the
/// audit log's query: either everything (an operator) or the union of some grants.
public struct AuditScope: Sendable, Hashable {
    /// One part of what an actor may see.
    public enum Grant: Sendable, Hashable {
        /// The accesses to this patient's record (every event whose patients include `patientID`): for the patient
        /// and their legal representatives.
        case patientRecord(patientID: String)
        /// The events this agent performed (`who` equal to `reference`, e.g. `Practitioner/p1`): a professional
        /// sees their own actions.
        case agent(reference: String)
        /// The emergency accesses (and overrides) made by agents acting for `Organization/organizationID`: for that
        /// organisation's privacy officer.
        case emergencyAccesses(organizationID: String)
    }

    /// `true` for the operator's scope: every event.
    public let isEverything: Bool
    /// The grants whose union is visible (empty when ``isEverything``, or when nothing is visible).
    public let grants: Set<Grant>

    private init(isEverything: Bool, grants: Set<Grant>) {
        self.isEverything = isEverything
        self.grants = grants
    }

    /// Every event (operators, system administration).
    public static let everything = AuditScope(isEverything: true, grants: [])
    /// No event at all.
    public static let nothing = AuditScope(isEverything: false, grants: [])

    /// The union of `grants` (no grant: nothing is visible).
    public static func union(_ grants: some Sequence<Grant>) -> AuditScope {
        AuditScope(isEverything: false, grants: Set(grants))
    }

    /// Only `grant`.
    public static func only(_ grant: Grant) -> AuditScope { union([grant]) }

    /// `true` when no event can be visible.
    public var isEmpty: Bool { !isEverything && grants.isEmpty }
}
