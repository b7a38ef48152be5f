/// What a professional is, from `PractitionerRole.code`: the key of the ``AuthorisationMatrix``.
///
/// HL7's `practitioner-role` system gives `doctor`, `nurse`, `pharmacist`...; Dossier's own system the professions
/// HL7 does not list. A professional whose role has no profession code gets no matrix entry, so reads no content.
public struct Profession: Sendable, Hashable, CustomStringConvertible {
    /// The profession code in its system.
    public var code: SystemCode

    /// A profession given by its coding.
    public init(_ code: SystemCode) { self.code = code }

    /// A profession given by system and code.
    public init(system: String, code: String) { self.code = SystemCode(system, code) }

    public var description: String { code.code }

    /// `practitioner-role#doctor`.
    public static let doctor = Profession(system: SystemCode.Systems.practitionerRole, code: "doctor")
    /// `practitioner-role#nurse`.
    public static let nurse = Profession(system: SystemCode.Systems.practitionerRole, code: "nurse")
    /// `practitioner-role#pharmacist`.
    public static let pharmacist = Profession(system: SystemCode.Systems.practitionerRole, code: "pharmacist")
    /// `profession#midwife`.
    public static let midwife = Profession(system: SystemCode.Systems.dossierProfession, code: "midwife")
    /// `profession#dentist`.
    public static let dentist = Profession(system: SystemCode.Systems.dossierProfession, code: "dentist")
    /// `profession#physiotherapist`.
    public static let physiotherapist = Profession(system: SystemCode.Systems.dossierProfession, code: "physiotherapist")
    /// `profession#admin-staff`: administrative staff, who never read clinical content.
    public static let adminStaff = Profession(system: SystemCode.Systems.dossierProfession, code: "admin-staff")
    /// `profession#privacy-officer`: reviews emergency accesses and alerts for an organisation.
    public static let privacyOfficer = Profession(system: SystemCode.Systems.dossierProfession, code: "privacy-officer")
    /// `profession#emergency-regulator`: the emergency regulation centre (SAMU, centre 15).
    public static let emergencyRegulator = Profession(system: SystemCode.Systems.dossierProfession,
                                                      code: "emergency-regulator")

    /// The professions RULES-API.md names.
    public static let known: [Profession] = [
        .doctor, .nurse, .pharmacist, .midwife, .dentist, .physiotherapist, .adminStaff, .privacyOfficer,
        .emergencyRegulator,
    ]
}
