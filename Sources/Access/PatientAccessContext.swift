/// Everything about one patient that the access rules read: who their GP is, what they decided, who cares for them
/// now, who broke the glass, whether the record is closed.
///
/// Loaded once per request by the layer that owns storage; ``AccessPolicy`` only reads it.
public struct PatientAccessContext: Sendable, Hashable {
    /// The `Patient` id.
    public var patientID: String
    /// `Patient.generalPractitioner`: Practitioner and/or PractitionerRole references (others are ignored).
    public var generalPractitioners: [ActorReference]
    /// The patient's decisions, active or withdrawn.
    public var consents: [ConsentDecision]
    /// Organisations with an open Encounter (`in-progress`, `arrived`, `triaged`, `onleave`) or an `active`
    /// EpisodeOfCare for this patient.
    public var careRelationshipOrganizationIDs: [String]
    /// Emergency accesses granted (live or expired).
    public var emergencyGrants: [EmergencyGrant]
    /// Whether the patient closed the record (archived; re-opening restores it).
    public var isClosed: Bool

    /// A patient's context.
    public init(patientID: String, generalPractitioners: [ActorReference] = [], consents: [ConsentDecision] = [],
                careRelationshipOrganizationIDs: [String] = [], emergencyGrants: [EmergencyGrant] = [],
                isClosed: Bool = false) {
        self.patientID = patientID
        self.generalPractitioners = generalPractitioners
        self.consents = consents
        self.careRelationshipOrganizationIDs = careRelationshipOrganizationIDs
        self.emergencyGrants = emergencyGrants
        self.isClosed = isClosed
    }
}
