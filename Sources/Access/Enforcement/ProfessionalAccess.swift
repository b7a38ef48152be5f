/// What one professional may reach across patients, at one instant: the patient sets a search filter is compiled
/// from (``AccessFilter``). Built by the layer that owns storage from the patients the professional has a ground
/// for (``AccessPolicy/standing(of:patient:now:)`` on each).
public struct ProfessionalAccess: Sendable, Hashable {
    /// The professional, in the role they act in.
    public var professional: AccessActor.Professional
    /// Patients whose record the professional reads masked documents included: they are the GP or GP-equivalent.
    public var seesMasked: [String]
    /// Patients whose record the professional reads, minus `MASQUE_PS` resources they did not author.
    public var seesUnmasked: [String]
    /// Patients (records open) with a Consent blocking this professional, in force or withdrawn: those Consents are
    /// visible to them (a professional may always read their own block).
    public var blockedBy: [String]
    /// Patients reached only through a live emergency access (the audit records those reads as emergencies).
    public var inEmergency: [String] = []

    /// The sets of one professional.
    public init(professional: AccessActor.Professional, seesMasked: [String] = [], seesUnmasked: [String] = [],
                blockedBy: [String] = []) {
        self.professional = professional
        self.seesMasked = seesMasked
        self.seesUnmasked = seesUnmasked
        self.blockedBy = blockedBy
    }
}
