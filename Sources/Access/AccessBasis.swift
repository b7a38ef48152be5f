/// Why an access was permitted: what the audit records (and, for an emergency, records as an override).
public enum AccessBasis: Sendable, Hashable {
    /// The patient themself.
    case patient
    /// The patient's legal representative.
    case representative
    /// A patient authorisation naming the professional, their role, care team or organisation.
    case authorised
    /// The professional is the patient's GP (`Patient.generalPractitioner`).
    case gp
    /// A GP-equivalent grant by the patient.
    case gpEquivalent
    /// An open Encounter / active EpisodeOfCare at the professional's organisation.
    case careRelationship
    /// Emergency access (a live break-the-glass grant, or the grant being issued).
    case emergency(EmergencyPurpose)
    /// System access by an operator.
    case administrator
    /// A blocked professional reading the Consent that blocks them ("you are not authorised").
    case ownBlock
    /// A professional recording an authorisation the patient gives in person, without access of their own yet.
    case inPersonConsent
    /// A professional reading a built-in notification addressed to them (``ResourceAccessMetadata/notificationRecipients``),
    /// whatever their access to the patient's record.
    case recipient

    /// Whether the access is an override (break the glass), audited with DCM 110113 / 110127 and notified.
    public var isOverride: Bool {
        if case .emergency = self { true } else { false }
    }

    /// The `AuditEvent.agent.purposeOfUse` codes for this basis.
    ///
    /// Emergency: `v3-ActReason#ETREAT` and `#BTG` (plus `access-mode#centre-15` for the regulation centre);
    /// other professional access `#TREAT`; the patient `#PATRQT`; a representative `#FAMRQT`; an operator `#HOPERAT`.
    public var purposeOfUse: [SystemCode] {
        let reason = SystemCode.Systems.actReason
        switch self {
        case .emergency(.emergencyTreatment):
            return [SystemCode(reason, "ETREAT"), SystemCode(reason, "BTG")]
        case .emergency(.centre15):
            return [SystemCode(reason, "ETREAT"), SystemCode(reason, "BTG"), EmergencyPurpose.centre15.code]
        case .patient: return [SystemCode(reason, "PATRQT")]
        case .representative: return [SystemCode(reason, "FAMRQT")]
        case .administrator: return [SystemCode(reason, "HOPERAT")]
        case .authorised, .gp, .gpEquivalent, .careRelationship, .ownBlock, .inPersonConsent, .recipient:
            return [SystemCode(reason, "TREAT")]
        }
    }
}
