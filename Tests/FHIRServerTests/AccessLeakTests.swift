import Access
import FHIRCore
import FHIRServer
import Foundation
import Testing

/// The leak test of issue 5: random worlds (organisations, professionals of every profession, patients with GPs,
/// consents of every kind, care relationships, closed records, labelled documents over several versions, deletions,
/// emergency accesses), then, for every actor, every search, count, include, reverse include, `_has`, compartment
/// search, `$everything`, read and instance history is checked against `AccessPolicy.decide` fed with patient
/// contexts the test builds itself from what it generated: zero leaks, and no over-hiding either.
@Suite("Access leak test")
struct AccessLeakTests {
    /// A small deterministic generator (SplitMix64): a failing seed replays.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let operatorCaller = RequestCaller(subject: "operator", fhirUser: nil, isOperator: true)
    static let professions: [(String, String)] = [
        ("http://terminology.hl7.org/CodeSystem/practitioner-role", "doctor"), ("http://terminology.hl7.org/CodeSystem/practitioner-role", "nurse"),
        ("http://terminology.hl7.org/CodeSystem/practitioner-role", "pharmacist"), ("https://dossier.health/CodeSystem/profession", "midwife"),
        ("https://dossier.health/CodeSystem/profession", "admin-staff"), ("https://dossier.health/CodeSystem/profession", "physiotherapist"),
        ("https://dossier.health/CodeSystem/profession", "emergency-regulator"),
    ]
    static let documentTypes = ["11490-0", "11502-2", "57833-6", "60591-5", "18748-4", "11369-6", "28627-8"]
    static let labels = ["MASQUE_PS", "INVISIBLE_PATIENT", "INVISIBLE_REPRESENTANTS_LEGAUX"]
    static let searchedTypes = ["Patient", "DocumentReference", "Observation", "MedicationRequest", "Consent", "Encounter",
                                "Basic", "Communication", "RelatedPerson", "CareTeam", "Practitioner", "Organization"]

    /// What the test knows of its world, independently of the server.
    struct World {
        var organizations: [String] = []
        var professionals: [AccessActor.Professional] = []
        var patients: [String] = []
        var contexts: [String: PatientAccessContext] = [:]
        var representatives: [AccessActor.Representative] = []
    }

    final class Checker: @unchecked Sendable {
        let service: FHIRService
        var world = World()
        var checks = 0
        var resourcesChecked = 0
        var failures: [String] = []

        init(service: FHIRService) { self.service = service }

        func send(_ caller: RequestCaller, _ method: FHIRRequest.Method, _ path: String, _ body: String? = nil) async -> (Int, JSON) {
            let parts = path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
            let request = FHIRRequest(method: method, path: parts[0].split(separator: "/").map(String.init),
                                      query: parts.count > 1 ? QueryString.parse(String(parts[1])) : [],
                                      headers: body == nil ? [:] : ["content-type": "application/fhir+json"],
                                      body: body.map { Array($0.utf8) } ?? [], caller: caller)
            let response = await service.handle(request)
            return (response.status, (try? JSON.parse(response.body)) ?? .null)
        }

        @discardableResult
        func write(_ caller: RequestCaller, _ method: FHIRRequest.Method, _ path: String, _ body: String, expect: Int) async -> JSON {
            let (status, json) = await send(caller, method, path, body)
            if status != expect { failures.append("set-up \(method) \(path): \(status) \(json)") }
            return json
        }

        func fail(_ message: String) { if failures.count < 20 { failures.append(message) } }
    }

    static func caller(_ actor: AccessActor) -> RequestCaller {
        switch actor {
        case .administrator: operatorCaller
        case .patient(let id): RequestCaller(subject: id, fhirUser: "Patient/\(id)")
        case .representative(let r): RequestCaller(subject: r.relatedPersonID, fhirUser: "RelatedPerson/\(r.relatedPersonID)")
        case .professional(let p): RequestCaller(subject: p.practitionerID, fhirUser: "Practitioner/\(p.practitionerID)", role: p.roleID.map { "PractitionerRole/\($0)" })
        }
    }

    // MARK: The world

    static func build(_ c: Checker, seed: UInt64) async {
        var rng = SplitMix(state: seed)
        func pick<T>(_ xs: [T]) -> T { xs[Int.random(in: 0..<xs.count, using: &rng)] }
        func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }
        let op = operatorCaller
        let now = Date()
        func instant(_ days: Double) -> String { FHIRInstant.format(now.addingTimeInterval(days * 86_400)) }
        func day(_ days: Double) -> String { String(instant(days).prefix(10)) }

        c.world.organizations = ["o1", "o2", "o3"]
        for o in c.world.organizations {
            await c.write(op, .put, "Organization/\(o)", #"{"resourceType":"Organization","id":"\#(o)","name":"\#(o)"}"#, expect: 201)
        }
        for i in 1...7 {
            let (system, code) = i <= professions.count ? professions[i - 1] : pick(professions)
            let org = pick(c.world.organizations)
            await c.write(op, .put, "Practitioner/p\(i)", #"{"resourceType":"Practitioner","id":"p\#(i)"}"#, expect: 201)
            await c.write(op, .put, "PractitionerRole/r\(i)", #"{"resourceType":"PractitionerRole","id":"r\#(i)","active":true,"practitioner":{"reference":"Practitioner/p\#(i)"},"organization":{"reference":"Organization/\#(org)"},"code":[{"coding":[{"system":"\#(system)","code":"\#(code)"}]}]}"#, expect: 201)
            c.world.professionals.append(.init(practitionerID: "p\(i)", roleID: "r\(i)", organizationID: org, profession: Profession(system: system, code: code)))
        }
        // A care team (it belongs to no patient: operator-only as a resource, but its members are named by consents).
        let team = [0, 2]
        await c.write(op, .put, "CareTeam/t1", #"{"resourceType":"CareTeam","id":"t1","status":"active","participant":[{"member":{"reference":"Practitioner/p1"}},{"member":{"reference":"PractitionerRole/r3"}}]}"#, expect: 201)
        for i in team { c.world.professionals[i].careTeamIDs = ["t1"] }

        let actorRefs: [ActorReference] = c.world.professionals.flatMap { [.practitioner($0.practitionerID), .practitionerRole($0.roleID!)] }
            + c.world.organizations.map { .organization($0) } + [.careTeam("t1")]
        for x in 1...5 {
            let id = "x\(x)"
            c.world.patients.append(id)
            var context = PatientAccessContext(patientID: id)
            var gp = ""
            if chance(0.6) {
                let p = pick(c.world.professionals)
                let ref: ActorReference = chance(0.7) ? .practitioner(p.practitionerID) : .practitionerRole(p.roleID!)
                context.generalPractitioners = [ref]
                gp = #","generalPractitioner":[{"reference":"\#(ref.reference)"}]"#
            }
            context.isClosed = chance(0.15)
            let active = context.isClosed ? #","active":false"# : ""
            await c.write(op, .put, "Patient/\(id)", #"{"resourceType":"Patient","id":"\#(id)","name":[{"family":"F\#(x)"}]\#(gp)\#(active)}"#, expect: 201)
            if x == 1 {
                await c.write(op, .put, "RelatedPerson/rp1", #"{"resourceType":"RelatedPerson","id":"rp1","patient":{"reference":"Patient/x1"},"relationship":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-RoleCode","code":"PRN"}]}]}"#, expect: 201)
                c.world.representatives.append(.init(relatedPersonID: "rp1", patientID: "x1", relationship: .parent))
            }
            for e in 0..<Int.random(in: 0...2, using: &rng) {
                let status = pick(["in-progress", "finished", "arrived", "cancelled"])
                let org = pick(c.world.organizations)
                if ["in-progress", "arrived"].contains(status) { context.careRelationshipOrganizationIDs.append(org) }
                await c.write(op, .put, "Encounter/\(id)-e\(e)", #"{"resourceType":"Encounter","id":"\#(id)-e\#(e)","status":"\#(status)","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"AMB"},"subject":{"reference":"Patient/\#(id)"},"serviceProvider":{"reference":"Organization/\#(org)"}}"#, expect: 201)
            }
            c.world.contexts[id] = context
        }
        // The patients' decisions, taken by the patients themselves (records not closed: a closed record changes nothing).
        for id in c.world.patients where !(c.world.contexts[id]!.isClosed) {
            for _ in 0..<Int.random(in: 0...4, using: &rng) {
                let status: ConsentDecision.Status = chance(0.8) ? .active : .inactive
                let kindRoll = Int.random(in: 0..<10, using: &rng)
                var provision: String
                var decision: ConsentDecision
                switch kindRoll {
                case 0..<5:
                    let actor = pick(actorRefs)
                    let gpEquivalent = kindRoll == 4
                    var period: ConsentPeriod?
                    var periodJSON = ""
                    switch Int.random(in: 0..<4, using: &rng) {
                    case 0:
                        period = ConsentPeriod(start: FHIRDate(day(-40))!.lowerBound, end: FHIRDate(day(-20))!.upperBound)
                        periodJSON = #","period":{"start":"\#(day(-40))","end":"\#(day(-20))"}"#
                    case 1:
                        period = ConsentPeriod(start: FHIRDate(day(-10))!.lowerBound, end: FHIRDate(day(20))!.upperBound)
                        periodJSON = #","period":{"start":"\#(day(-10))","end":"\#(day(20))"}"#
                    case 2:
                        period = ConsentPeriod(start: FHIRDate(day(20))!.lowerBound, end: nil)
                        periodJSON = #","period":{"start":"\#(day(20))"}"#
                    default: break
                    }
                    provision = #""type":"permit","actor":[{"role":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ParticipationType","code":"PRCP"}]},"reference":{"reference":"\#(actor.reference)"}}]\#(periodJSON)"#
                    if gpEquivalent { provision += #","action":[{"coding":[{"system":"https://dossier.health/CodeSystem/consent-action","code":"gp-equivalent"}]}]"# }
                    decision = ConsentDecision(status: status, kind: gpEquivalent ? .gpEquivalent([actor]) : .authorise([actor]), period: period)
                case 5..<8:
                    let p = pick(c.world.professionals).practitionerID
                    provision = #""type":"deny","actor":[{"role":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ParticipationType","code":"PRCP"}]},"reference":{"reference":"Practitioner/\#(p)"}}]"#
                    decision = ConsentDecision(status: status, kind: .block(practitionerIDs: [p]))
                default:
                    provision = #""type":"deny","purpose":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActReason","code":"ETREAT"}]"#
                    decision = ConsentDecision(status: status, kind: .objectToEmergencyAccess)
                }
                let body = #"{"resourceType":"Consent","status":"\#(status.rawValue)","scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"patient-privacy"}]},"category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]}],"patient":{"reference":"Patient/\#(id)"},"dateTime":"\#(day(-1))","provision":{\#(provision)}}"#
                let created = await c.write(RequestCaller(subject: id, fhirUser: "Patient/\(id)"), .post, "Consent", body, expect: 201)
                decision.consentID = created["id"]?.stringValue
                c.world.contexts[id]!.consents.append(decision)
            }
        }
        // Clinical content, written by the operator, some updated, some deleted.
        for id in c.world.patients {
            for d in 0..<5 {
                let labels = Self.labels.filter { _ in chance(0.3) }
                let security = labels.map { #"{"system":"urn:oid:1.2.250.1.213.1.1.4.13","code":"\#($0)"}"# }.joined(separator: ",")
                let meta = labels.isEmpty ? "" : #""meta":{"security":[\#(security)]},"#
                let p = pick(c.world.professionals)
                let author = chance(0.5) ? "Practitioner/\(p.practitionerID)" : "PractitionerRole/\(p.roleID!)"
                let date = chance(0.5) ? instant(-2) : instant(-60)
                let doc = #"{"resourceType":"DocumentReference","id":"\#(id)-d\#(d)",\#(meta)"status":"current","type":{"coding":[{"system":"http://loinc.org","code":"\#(pick(documentTypes))"}]},"subject":{"reference":"Patient/\#(id)"},"date":"\#(date)","author":[{"reference":"\#(author)"}],"content":[{"attachment":{"contentType":"text/plain","data":"aGVsbG8="}}]}"#
                await c.write(op, .put, "DocumentReference/\(id)-d\(d)", doc, expect: 201)
                if chance(0.3) {
                    let changed = doc.replacingOccurrences(of: #""status":"current""#, with: #""status":"current","description":"v2""#)
                    await c.write(op, .put, "DocumentReference/\(id)-d\(d)", changed, expect: 200)
                }
                if chance(0.1) { _ = await c.send(op, .delete, "DocumentReference/\(id)-d\(d)") }
            }
            for o in 0..<2 {
                let performer = pick(c.world.professionals).practitionerID
                await c.write(op, .put, "Observation/\(id)-o\(o)", #"{"resourceType":"Observation","id":"\#(id)-o\#(o)","status":"final","category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"\#(pick(["laboratory", "vital-signs"]))"}]}],"code":{"text":"x"},"subject":{"reference":"Patient/\#(id)"},"performer":[{"reference":"Practitioner/\#(performer)"}]}"#, expect: 201)
            }
            await c.write(op, .put, "MedicationRequest/\(id)-m", #"{"resourceType":"MedicationRequest","id":"\#(id)-m","status":"active","intent":"order","subject":{"reference":"Patient/\#(id)"},"medicationCodeableConcept":{"text":"m"}}"#, expect: 201)
        }
        // Emergency accesses: granted unless refused (the test's own context says which).
        for _ in 0..<3 {
            let p = pick(c.world.professionals), id = pick(c.world.patients)
            let (status, json) = await c.send(caller(.professional(p)), .post, "Patient/\(id)/$break-glass",
                                              #"{"resourceType":"Parameters","parameter":[{"name":"reason","valueString":"test"}]}"#)
            let context = c.world.contexts[id]!
            let expected = AccessPolicy.decide(actor: .professional(p), action: .breakTheGlass(.emergencyTreatment), patient: context,
                                               resource: ResourceAccessMetadata(resourceType: "Patient", id: id), now: Date(), matrix: .default)
            if expected.isPermitted != (status == 200) { c.fail("$break-glass by \(p.practitionerID) on \(id): \(status), expected \(expected)") }
            if status == 200, let expires = json["parameter"]?[0]?["valueInstant"]?.stringValue.flatMap({ FHIRInstant($0)?.lowerBound }) {
                c.world.contexts[id]!.emergencyGrants.append(EmergencyGrant(practitionerID: p.practitionerID, roleID: p.roleID, purpose: .emergencyTreatment, expires: expires))
            }
        }
    }

    // MARK: The oracle

    /// Whether `actor` may read `resource` (current JSON), from the test's own knowledge.
    static func oracle(_ actor: AccessActor, _ resource: JSON, world: World, now: Date) -> Bool {
        let type = resource["resourceType"]!.stringValue!
        if case .administrator = actor { return true }
        if AccessFilter.isShared(type) { return true }
        let patient = type == "Patient" ? resource["id"]!.stringValue! : PatientCompartment.patientIDs(of: resource).first ?? ""
        guard let context = world.contexts[patient] else { return false }
        return AccessPolicy.decide(actor: actor, action: .read, patient: context, resource: .extract(from: resource), now: now, matrix: .default).isPermitted
    }

    // MARK: The checks

    static func check(_ c: Checker, actor: AccessActor, truth: [String: [JSON]], history: [String: [JSON]]) async {
        let who = caller(actor)
        let now = Date()
        func key(_ r: JSON) -> String { "\(r["resourceType"]!.stringValue!)/\(r["id"]!.stringValue!)" }
        var permitted = Set<String>()
        for resources in truth.values { for r in resources where oracle(actor, r, world: c.world, now: now) { permitted.insert(key(r)) } }
        func results(_ path: String, mode: String? = "match") async -> [JSON]? {
            let (status, bundle) = await c.send(who, .get, path)
            c.checks += 1
            guard status == 200 else { c.fail("\(actor) GET \(path): \(status) \(bundle)"); return nil }
            let entries = (bundle["entry"]?.arrayValue ?? []).filter { mode == nil || $0["search"]?["mode"]?.stringValue == mode }
            return entries.compactMap { $0["resource"] }.filter { $0["resourceType"]?.stringValue != "OperationOutcome" }
        }
        func noLeak(_ resources: [JSON], _ path: String) {
            c.resourcesChecked += resources.count
            for r in resources where !permitted.contains(key(r)) && !oracle(actor, r, world: c.world, now: now) {
                c.fail("LEAK: \(actor) got \(key(r)) from \(path)")
            }
        }
        for type in searchedTypes {
            let expected = Set((truth[type] ?? []).map(key).filter(permitted.contains))
            guard let found = await results("\(type)?_count=1000") else { continue }
            noLeak(found, type)
            let got = Set(found.map(key))
            if got != expected { c.fail("\(actor) \(type): over-hidden \(expected.subtracting(got).sorted())") }
            let (_, count) = await c.send(who, .get, "\(type)?_summary=count")
            c.checks += 1
            if count["total"] != .number(String(expected.count)) { c.fail("\(actor) \(type)?_summary=count: \(count["total"] ?? .null), expected \(expected.count)") }
        }
        for patient in c.world.patients {
            let path = "Patient/\(patient)/$everything?_count=1000"
            let (status, bundle) = await c.send(who, .get, path)
            c.checks += 1
            if permitted.contains("Patient/\(patient)") {
                let entries = (bundle["entry"]?.arrayValue ?? []).compactMap { $0["resource"] }.filter { $0["resourceType"]?.stringValue != "OperationOutcome" }
                noLeak(entries, path)
                let expected = truth.values.joined().filter { r in
                    let t = r["resourceType"]!.stringValue!
                    return !AccessFilter.isShared(t) && permitted.contains(key(r))
                        && (t == "Patient" ? r["id"]?.stringValue == patient : PatientCompartment.patientIDs(of: r).first == patient)
                }.map(key)
                let got = Set(entries.map(key))
                if !Set(expected).isSubset(of: got) { c.fail("\(actor) \(path): over-hidden \(Set(expected).subtracting(got).sorted())") }
            } else if status != 404 {
                c.fail("LEAK: \(actor) \(path) answered \(status) for a patient they may not see")
            }
            if let docs = await results("Patient/\(patient)/DocumentReference?_count=1000") { noLeak(docs, "compartment") }
            // The patient summary: only what the actor may see, and 404 exactly when the patient is hidden.
            let (summaryStatus, summary) = await c.send(who, .get, "Patient/\(patient)/$summary")
            c.checks += 1
            if permitted.contains("Patient/\(patient)") {
                if summaryStatus != 200 { c.fail("\(actor) $summary of \(patient): \(summaryStatus)") }
                let shown = (summary["entry"]?.arrayValue ?? []).dropFirst().compactMap { $0["resource"] }
                noLeak(Array(shown), "$summary")
            } else if summaryStatus != 404 {
                c.fail("LEAK: \(actor) $summary of \(patient) answered \(summaryStatus) for a patient they may not see")
            }
        }
        if let included = await results("DocumentReference?_include=DocumentReference:subject&_count=1000", mode: nil) { noLeak(included, "_include") }
        if let revincluded = await results("Patient?_revinclude=DocumentReference:subject&_revinclude=Consent:patient&_count=1000", mode: nil) { noLeak(revincluded, "_revinclude") }
        for doc in truth["DocumentReference"] ?? [] {
            let subject = doc["subject"]!["reference"]!.stringValue!
            guard let found = await results("Patient?_has:DocumentReference:subject:_id=\(doc["id"]!.stringValue!)") else { continue }
            let expected: Set<String> = permitted.contains(key(doc)) && permitted.contains(subject) ? [subject] : []
            if Set(found.map(key)) != expected { c.fail("\(actor) _has on \(key(doc)): \(found.map(key)), expected \(expected)") }
            guard let chained = await results("DocumentReference?_id=\(doc["id"]!.stringValue!)&subject:Patient.family=\(subject == "Patient/x1" ? "F1" : "nobody")") else { continue }
            noLeak(chained, "chain")
        }
        for (k, versions) in history {
            let (status, body) = await c.send(who, .get, k)
            c.checks += 1
            let current = truth.values.joined().first { key($0) == k }
            let mayRead = current.map { permitted.contains(key($0)) } ?? false
            if mayRead != (status == 200) && !(current == nil && status == 410 && versions.isEmpty == false) {
                if !(current == nil && [404, 410].contains(status)) { c.fail("\(actor) GET \(k): \(status), oracle says \(mayRead)") }
            }
            if current == nil, status == 410 {
                // A deletion shows only to those who could read what it deleted.
                if let last = versions.last, !oracle(actor, last, world: c.world, now: now) { c.fail("LEAK: \(actor) learnt \(k) was deleted") }
            }
            if status == 404, case .object = body, body["issue"]?[0]?["code"]?.stringValue != "not-found" { c.fail("\(actor) GET \(k): 404 not shaped as not-found") }
            let (hstatus, hbundle) = await c.send(who, .get, k + "/_history")
            c.checks += 1
            if hstatus == 200 {
                let shown = (hbundle["entry"]?.arrayValue ?? []).compactMap { $0["resource"] }
                c.resourcesChecked += shown.count
                for version in shown where !oracle(actor, version, world: c.world, now: now) { c.fail("LEAK: \(actor) history of \(k) shows a version it may not read") }
                if let current, !oracle(actor, current, world: c.world, now: now) { c.fail("LEAK: \(actor) history of \(k) shown though the resource is hidden") }
            }
        }
    }

    @Test(arguments: [UInt64(1), 2, 3, 4, 5, 6, 7, 8])
    func noActorSeesAnythingTheRulesHide(seed: UInt64) async throws {
        var configuration = ServerConfiguration(baseURL: "http://test/fhir")
        configuration.accessRules = true
        let test = try TestService.make(configuration)
        defer { Task { await test.close() } }
        let checker = Checker(service: test.service)
        let started = Date()
        await Self.build(checker, seed: seed)
        try #require(checker.failures.isEmpty, "set-up: \(checker.failures)")

        // The truth: every current resource and every version, as the operator sees them.
        var truth: [String: [JSON]] = [:]
        for type in Self.searchedTypes {
            let (_, bundle) = await checker.send(Self.operatorCaller, .get, "\(type)?_count=1000")
            truth[type] = (bundle["entry"]?.arrayValue ?? []).compactMap { $0["resource"] }
        }
        var history: [String: [JSON]] = [:]
        for type in ["Patient", "DocumentReference", "Observation", "Consent"] {
            let (_, bundle) = await checker.send(Self.operatorCaller, .get, "\(type)/_history?_count=1000")
            for entry in bundle["entry"]?.arrayValue ?? [] {
                guard let url = entry["fullUrl"]?.stringValue else { continue }
                let k = url.replacingOccurrences(of: "http://test/fhir/", with: "")
                history[k, default: []] += entry["resource"].map { [$0] } ?? []
            }
        }
        var actors: [AccessActor] = [.administrator]
        actors += checker.world.professionals.map { .professional($0) }
        actors += checker.world.patients.map { .patient(id: $0) }
        actors += checker.world.representatives.map { .representative($0) }
        for actor in actors { await Self.check(checker, actor: actor, truth: truth, history: history) }
        print("access leak test, seed \(seed): \(actors.count) actors, \(checker.checks) queries, \(checker.resourcesChecked) resources checked, \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
        #expect(checker.failures.isEmpty, "\(checker.failures.joined(separator: "\n"))")
    }
}
