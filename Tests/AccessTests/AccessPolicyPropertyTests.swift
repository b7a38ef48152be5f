import Access
import Foundation
import PropertyBased
import Testing

/// `AccessPolicy.decide` and `ReferenceModel.decide` agree on random cases drawn from small pools, so that actors
/// collide with GPs, authors, grantees, blocks and grants, and times fall on the edges that matter.
@Suite struct AccessPolicyPropertyTests {
    static let practitioners = ["pr1", "pr2", "pr3"]
    static let roles = ["ro1", "ro2", "ro3"]
    static let organizations = ["o1", "o2"]
    static let teams = ["t1", "t2"]
    static let patients = ["pa1", "pa1", "pa2"]  // mostly the record's own patient
    static let professions = Profession.known + [Profession(system: "urn:example", code: "astrologer")]
    static let resourceTypes = ["DocumentReference", "DocumentReference", "Composition", "DiagnosticReport",
                                "Observation", "MedicationRequest", "AllergyIntolerance", "Patient", "Encounter",
                                "Consent", "Consent"]
    static let codes: [SystemCode] = [
        SystemCode("http://loinc.org", "57833-6"), SystemCode("http://loinc.org", "11502-2"),
        SystemCode("http://loinc.org", "11490-0"), SystemCode("http://loinc.org", "18748-4"),
        SystemCode("http://loinc.org", "60591-5"), SystemCode("http://loinc.org", "28627-8"),
        SystemCode("http://terminology.hl7.org/CodeSystem/observation-category", "laboratory"),
        SystemCode("http://terminology.hl7.org/CodeSystem/observation-category", "vital-signs"),
        SystemCode("http://terminology.hl7.org/CodeSystem/v2-0074", "LAB"),
    ]
    /// Month ends, leap days and plain days, at different times of day.
    static let documentDates: [Date] = [
        "2024-01-31T23:59:59Z", "2024-02-29T12:00:00Z", "2025-01-31T10:00:00Z", "2025-03-31T00:00:00Z",
        "2025-05-15T08:30:00Z", "2025-12-31T23:00:00Z", "2025-08-31T06:00:00Z",
    ].map { ISO8601DateFormatter().date(from: $0)! }
    static let base = ISO8601DateFormatter().date(from: "2025-03-01T12:00:00Z")!

    typealias RNG = any SeededRandomNumberGenerator

    static func pick<T>(_ xs: [T], _ rng: inout RNG) -> T { xs[Int.random(in: 0..<xs.count, using: &rng)] }
    static func chance(_ p: Double, _ rng: inout RNG) -> Bool { Double.random(in: 0..<1, using: &rng) < p }
    static func some<T>(_ xs: [T], max: Int, _ rng: inout RNG) -> [T] {
        (0..<Int.random(in: 0...max, using: &rng)).map { _ in pick(xs, &rng) }
    }

    static func reference(_ rng: inout RNG, organisations: Bool = true) -> ActorReference {
        switch Int.random(in: 0..<(organisations ? 4 : 2), using: &rng) {
        case 0: .practitioner(pick(practitioners, &rng))
        case 1: .practitionerRole(pick(roles, &rng))
        case 2: .careTeam(pick(teams, &rng))
        default: .organization(pick(organizations, &rng))
        }
    }

    /// A time near `base`: whole hours to a few days either side, so periods and grants open and close around it.
    static func instantNearBase(_ rng: inout RNG) -> Date {
        base.addingTimeInterval(Double(Int.random(in: -3...3, using: &rng)) * 3600 * Double(pick([1, 24], &rng)))
    }

    static func consent(_ rng: inout RNG) -> ConsentDecision {
        let kind: ConsentDecision.Kind = switch Int.random(in: 0..<6, using: &rng) {
        case 0, 1: .authorise((0..<Int.random(in: 1...2, using: &rng)).map { _ in reference(&rng) })
        case 2: .gpEquivalent([reference(&rng)])
        case 3, 4: .block(practitionerIDs: [pick(practitioners, &rng)])
        default: .objectToEmergencyAccess
        }
        var period: ConsentPeriod?
        if kind.isPermit, chance(0.5, &rng) {
            period = ConsentPeriod(start: chance(0.6, &rng) ? instantNearBase(&rng) : nil,
                                   end: chance(0.6, &rng) ? instantNearBase(&rng) : nil)
        }
        return ConsentDecision(consentID: "c\(Int.random(in: 1...3, using: &rng))",
                               status: chance(0.8, &rng) ? .active : .inactive, kind: kind, period: period)
    }

    static let actorGen = Generator<AccessActor, _> { rng in
        switch Int.random(in: 0..<10, using: &rng) {
        case 0: return .administrator
        case 1: return .patient(id: pick(patients, &rng))
        case 2: return .representative(.init(relatedPersonID: "rp1", patientID: pick(patients, &rng),
                                             relationship: pick(AccessActor.Representative.Relationship.allCases, &rng)))
        default:
            return .professional(.init(practitionerID: pick(practitioners, &rng),
                                       roleID: chance(0.85, &rng) ? pick(roles, &rng) : nil,
                                       organizationID: chance(0.85, &rng) ? pick(organizations, &rng) : nil,
                                       profession: chance(0.4, &rng) ? .doctor : pick(professions, &rng),
                                       careTeamIDs: some(teams, max: 1, &rng)))
        }
    }

    static let contextGen = Generator<PatientAccessContext, _> { rng in
        PatientAccessContext(
            patientID: "pa1",
            generalPractitioners: (0..<Int.random(in: 0...2, using: &rng)).map { _ in reference(&rng, organisations: false) },
            consents: (0..<Int.random(in: 0...4, using: &rng)).map { _ in consent(&rng) },
            careRelationshipOrganizationIDs: some(organizations, max: 1, &rng),
            emergencyGrants: (0..<Int.random(in: 0...1, using: &rng)).map { _ in
                EmergencyGrant(practitionerID: pick(practitioners, &rng), roleID: chance(0.5, &rng) ? pick(roles, &rng) : nil,
                               purpose: pick(EmergencyPurpose.allCases, &rng), expires: instantNearBase(&rng))
            },
            isClosed: chance(0.08, &rng))
    }

    static let resourceGen = Generator<ResourceAccessMetadata, _> { rng in
        let type = pick(resourceTypes, &rng)
        var authors = (0..<Int.random(in: 0...2, using: &rng)).map { _ in reference(&rng) }
        if chance(0.1, &rng) { authors.append(.patient("pa1")) }
        var consent: ConsentDecision?
        if type == "Consent", chance(0.9, &rng) { consent = Self.consent(&rng) }
        return ResourceAccessMetadata(
            resourceType: type, id: "r1", codes: some(codes, max: 2, &rng),
            labels: VisibilityLabels(rawValue: UInt8(Int.random(in: 0...7, using: &rng)) & (chance(0.5, &rng) ? 7 : 0)),
            authors: authors, documentDate: chance(0.9, &rng) ? pick(documentDates, &rng) : nil,
            addedByPatient: chance(0.3, &rng), consent: consent)
    }

    static let actionGen = Generator<AccessAction, _> { rng in
        switch Int.random(in: 0..<12, using: &rng) {
        case 0...3: .read
        case 4: .create
        case 5: .update
        case 6: .delete
        case 7: .changeConsent
        case 8: .addLabel(pick(VisibilityLabel.allCases, &rng))
        case 9: .removeLabel(pick(VisibilityLabel.allCases, &rng))
        default: .breakTheGlass(pick(EmergencyPurpose.allCases, &rng))
        }
    }

    /// Which instant `now` is anchored to (0: the document's one-month boundary; 1: a consent period bound;
    /// 2: a grant's expiry; 3: near the base), and an offset in seconds.
    static let timeGen = zip(Gen.int(in: 0...3), Gen.element(of: [-86_400, -1, 0, 0, 1, 3600]))

    static func now(anchor: Int, offset: Int, _ patient: PatientAccessContext, _ resource: ResourceAccessMetadata) -> Date {
        let bounds = patient.consents.flatMap { [$0.period?.start, $0.period?.end].compactMap { $0 } }
        let anchorDate: Date? = switch anchor {
        case 0: resource.documentDate.map(ReferenceModel.oneMonthAfter)
        case 1: bounds.first
        case 2: patient.emergencyGrants.first?.expires
        default: nil
        }
        return (anchorDate ?? base).addingTimeInterval(Double(offset))
    }

    @Test func decisionAgreesWithReferenceModelOnOneHundredThousandRandomCases() async {
        await compare(count: 100_000)
    }

    func compare(count: Int) async {
        let matrix = AuthorisationMatrix.default
        var outcomes: [String: Int] = [:]
        var disagreements = 0
        await propertyCheck(count: count, input: Self.actorGen, Self.contextGen, Self.resourceGen, Self.actionGen, Self.timeGen) {
            actor, patient, resource, action, time in
            let now = Self.now(anchor: time.0, offset: time.1 ?? 0, patient, resource)
            let decision = AccessPolicy.decide(actor: actor, action: action, patient: patient, resource: resource,
                                               now: now, matrix: matrix)
            let c = ReferenceModel.Case(actor: actor, action: action, patient: patient, resource: resource, now: now, matrix: matrix)
            let expected = ReferenceModel.decide(c)
            let actual = ReferenceModel.Outcome(decision)
            outcomes[actual.description, default: 0] += 1
            if actual != expected {
                disagreements += 1
                Issue.record("production \(actual), model \(expected) for\n\(c)")
            }
        }
        #expect(disagreements == 0)
        do {
            print("AccessPolicy vs ReferenceModel: \(count) cases, \(disagreements) disagreements")
            for (outcome, n) in outcomes.sorted(by: { $0.value > $1.value }) { print("  \(outcome): \(n)") }
        }
    }
}
