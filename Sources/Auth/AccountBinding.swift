/// Whom a local account signs in as: a patient, a professional (with the PractitionerRole used by default) or a
/// legal representative (with the patient they represent, when known).
public enum AccountBinding: Sendable, Hashable {
    /// `Patient/ID`: the patient themselves.
    case patient(ActorReference)
    /// `Practitioner/ID`, acting by default through `PractitionerRole/ID`.
    case practitioner(ActorReference, role: ActorReference?)
    /// `RelatedPerson/ID`, the representative of `patient`.
    case relatedPerson(ActorReference, patient: ActorReference?)

    /// The resource the account signs in as (the `fhirUser`).
    public var fhirUser: ActorReference {
        switch self {
        case .patient(let reference), .practitioner(let reference, _), .relatedPerson(let reference, _): reference
        }
    }

    /// The PractitionerRole used by default, for professionals.
    public var role: ActorReference? {
        if case .practitioner(_, let role) = self { role } else { nil }
    }

    /// The patient in context after a standalone launch with `launch/patient`: the patient themselves, or the
    /// represented patient.
    public var patientContext: ActorReference? {
        switch self {
        case .patient(let reference): reference
        case .relatedPerson(_, let patient): patient
        case .practitioner: nil
        }
    }

    /// Whether the account is a professional's, who must use a second factor.
    public var isProfessional: Bool {
        if case .practitioner = self { true } else { false }
    }

    /// Builds a binding from its stored parts; `nil` if they do not fit together.
    public init?(fhirUser: ActorReference, role: ActorReference?, patient: ActorReference?) {
        switch fhirUser.type {
        case "Patient" where role == nil: self = .patient(fhirUser)
        case "Practitioner" where role == nil || role?.type == "PractitionerRole": self = .practitioner(fhirUser, role: role)
        case "RelatedPerson" where role == nil && (patient == nil || patient?.type == "Patient"): self = .relatedPerson(fhirUser, patient: patient)
        default: return nil
        }
    }
}
