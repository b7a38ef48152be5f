import FHIRCore

/// A local reference to a person, role, team or organisation, as the access rules compare them: GP designations,
/// Consent actors, document authors.
public enum ActorReference: Sendable, Hashable, CustomStringConvertible {
    case practitioner(String)
    case practitionerRole(String)
    case careTeam(String)
    case organization(String)
    case patient(String)
    case relatedPerson(String)

    /// Reads a relative `Type/id` reference of one of the six types; nil for anything else.
    ///
    /// Absolute URLs are not accepted: `http://other.example/fhir/Practitioner/1` is not our `Practitioner/1`, and
    /// matching it would give an outsider's rights to a local professional.
    public init?(reference: String) {
        guard let parsed = ReferenceParser.parse(reference), parsed.kind == .relative,
              let type = parsed.type, let id = parsed.id, parsed.version == nil else { return nil }
        switch type {
        case "Practitioner": self = .practitioner(id)
        case "PractitionerRole": self = .practitionerRole(id)
        case "CareTeam": self = .careTeam(id)
        case "Organization": self = .organization(id)
        case "Patient": self = .patient(id)
        case "RelatedPerson": self = .relatedPerson(id)
        default: return nil
        }
    }

    /// `Type/id`.
    public var reference: String {
        switch self {
        case .practitioner(let id): "Practitioner/\(id)"
        case .practitionerRole(let id): "PractitionerRole/\(id)"
        case .careTeam(let id): "CareTeam/\(id)"
        case .organization(let id): "Organization/\(id)"
        case .patient(let id): "Patient/\(id)"
        case .relatedPerson(let id): "RelatedPerson/\(id)"
        }
    }

    public var description: String { reference }
}
