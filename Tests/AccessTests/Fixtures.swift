import Access
import Foundation

/// Small named cast for the example tests.
enum Fx {
    static let matrix = AuthorisationMatrix.default
    static func date(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }
    static let now = date("2025-06-01T12:00:00Z")

    static func pro(_ id: String = "pr1", role: String? = "ro1", org: String? = "o1", _ profession: Profession = .doctor,
                    teams: [String] = []) -> AccessActor {
        .professional(.init(practitionerID: id, roleID: role, organizationID: org, profession: profession, careTeamIDs: teams))
    }
    /// A professional of `profession`, otherwise `pr1` in role `ro1` at `o1`.
    static func pro(_ profession: Profession) -> AccessActor {
        pro("pr1", role: "ro1", org: "o1", profession)
    }
    static let patient = AccessActor.patient(id: "pa1")
    static let parent = AccessActor.representative(.init(relatedPersonID: "rp1", patientID: "pa1", relationship: .parent))

    static func record(gp: [ActorReference] = [], consents: [ConsentDecision] = [], care: [String] = [],
                       grants: [EmergencyGrant] = [], closed: Bool = false) -> PatientAccessContext {
        PatientAccessContext(patientID: "pa1", generalPractitioners: gp, consents: consents,
                             careRelationshipOrganizationIDs: care, emergencyGrants: grants, isClosed: closed)
    }

    static let loinc = "http://loinc.org"
    static func document(_ code: String = "11490-0", labels: VisibilityLabels = [], authors: [ActorReference] = [],
                         date: Date? = date("2025-05-01T09:00:00Z"), addedByPatient: Bool = false) -> ResourceAccessMetadata {
        ResourceAccessMetadata(resourceType: "DocumentReference", id: "d1", codes: [SystemCode(loinc, code)], labels: labels,
                               authors: authors, documentDate: date, addedByPatient: addedByPatient)
    }
    static func consentResource(_ decision: ConsentDecision) -> ResourceAccessMetadata {
        ResourceAccessMetadata(resourceType: "Consent", id: decision.consentID, consent: decision)
    }
    static func authorise(_ refs: ActorReference..., period: ConsentPeriod? = nil) -> ConsentDecision {
        ConsentDecision(consentID: "c1", kind: .authorise(refs), period: period)
    }

    static func decide(_ actor: AccessActor, _ action: AccessAction = .read, _ record: PatientAccessContext = record(),
                       _ resource: ResourceAccessMetadata = document(), at now: Date = now,
                       matrix: AuthorisationMatrix = matrix) -> AccessDecision {
        AccessPolicy.decide(actor: actor, action: action, patient: record, resource: resource, now: now, matrix: matrix)
    }
}

extension AccessDecision {
    static let notFound = AccessDecision.Denial.notFound
    var denial: Denial? { if case .deny(let d, _) = self { d } else { nil } }
    var reason: DenialReason? { if case .deny(_, let r) = self { r } else { nil } }
}
