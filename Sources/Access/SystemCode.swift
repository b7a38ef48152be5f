/// A code in its code system (the `system` and `code` of a FHIR Coding), compared exactly.
///
/// Used for profession codes, document type/class/category codes, purposes of use and security labels. Written as
/// `system|code` in the authorisation matrix file, as in FHIR token search.
public struct SystemCode: Sendable, Hashable, CustomStringConvertible {
    /// The code system URI (`http://loinc.org`).
    public var system: String
    /// The code (`11490-0`).
    public var code: String

    /// A code in `system`.
    public init(_ system: String, _ code: String) {
        self.system = system
        self.code = code
    }

    /// Reads `system|code`; nil when there is no `|` or either side is empty.
    public init?(token: String) {
        guard let bar = token.lastIndex(of: "|") else { return nil }
        let system = String(token[..<bar]), code = String(token[token.index(after: bar)...])
        guard !system.isEmpty, !code.isEmpty else { return nil }
        self.init(system, code)
    }

    /// `system|code`.
    public var token: String { "\(system)|\(code)" }
    public var description: String { token }

    /// The code systems the access rules name.
    public enum Systems {
        /// LOINC: document types and classes.
        public static let loinc = "http://loinc.org"
        /// DMP visibility status labels (`MASQUE_PS`, `INVISIBLE_PATIENT`, `INVISIBLE_REPRESENTANTS_LEGAUX`).
        public static let dmpVisibility = "urn:oid:1.2.250.1.213.1.1.4.13"
        /// HL7 confidentiality codes (N, R, V...).
        public static let confidentiality = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"
        /// HL7 reasons (purposes of use: ETREAT, BTG, TREAT...).
        public static let actReason = "http://terminology.hl7.org/CodeSystem/v3-ActReason"
        /// HL7 participation types (PRCP, the Consent actor role).
        public static let participationType = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
        /// HL7 role codes (GUARD, PRN for legal representatives).
        public static let roleCode = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
        /// HL7 practitioner roles (doctor, nurse, pharmacist...).
        public static let practitionerRole = "http://terminology.hl7.org/CodeSystem/practitioner-role"
        /// Dossier professions that HL7 does not list (midwife, admin-staff...).
        public static let dossierProfession = "https://dossier.health/CodeSystem/profession"
        /// Dossier consent actions (gp-equivalent).
        public static let dossierConsentAction = "https://dossier.health/CodeSystem/consent-action"
        /// Dossier access modes (centre-15).
        public static let dossierAccessMode = "https://dossier.health/CodeSystem/access-mode"
        /// Dossier record origin (patient-added).
        public static let dossierRecordOrigin = "https://dossier.health/CodeSystem/record-origin"
        /// Who owns a Subscription (`meta.tag` code: the owner's `Patient/…`, `Practitioner/…`, `RelatedPerson/…` or
        /// `operator`), set by the server.
        public static let dossierSubscriptionOwner = "https://dossier.health/CodeSystem/subscription-owner"
        /// The PractitionerRole the owner of a Subscription acted through when creating it (`meta.tag` code).
        public static let dossierSubscriptionOwnerRole = "https://dossier.health/CodeSystem/subscription-owner-role"
        /// Dossier's built-in notifications (`Communication.category`): `new-document`, `emergency-access`,
        /// `consult-reminder`, `professional-authorised`. Written by the server only; read by their recipients.
        public static let dossierNotification = "https://dossier.health/CodeSystem/notification"
        /// Consent scopes (patient-privacy).
        public static let consentScope = "http://terminology.hl7.org/CodeSystem/consentscope"
    }
}
