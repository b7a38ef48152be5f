import Auth
import DossierHTTP
import FHIRCore
import FHIRServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SQLiteAudit
import SQLiteStore
import Testing

/// Each shared-record rule (DOMAIN.md "Who may see what", RULES-API.md) through the real router, with tokens
/// obtained through the SMART authorization-code flow (`/authorize` + `/token`), as clients see them.
@Suite("Access rules over HTTP")
struct AccessRulesHTTPTests {
    static let base = "http://localhost/fhir"
    static let operatorCaller = RequestCaller(subject: "operator", fhirUser: nil, isOperator: true)

    /// The people of the world, each signed in through the OAuth flow.
    struct World: Sendable {
        let client: any TestClientProtocol
        let service: FHIRService
        let tokens: [String: String]
        let auditLog: SQLiteAuditLog

        func send(_ who: String?, _ method: HTTPRequest.Method, _ path: String, _ body: String? = nil,
                  contentType: String = "application/fhir+json") async throws -> (status: Int, json: JSON) {
            var headers: HTTPFields = [:]
            if let who { headers[.authorization] = "Bearer " + tokens[who]! }
            if body != nil { headers[.contentType] = contentType }
            let response = try await client.execute(uri: "/fhir/" + path, method: method, headers: headers,
                                                    body: body.map { ByteBuffer(string: $0) })
            return (Int(response.status.code), (try? JSON.parse(Array(buffer: response.body))) ?? .null)
        }

        /// The ids of the matches of a search.
        func ids(_ who: String, _ path: String) async throws -> Set<String> {
            let (status, bundle) = try await send(who, .get, path)
            #expect(status == 200, "\(who) \(path): \(status) \(bundle)")
            return Set((bundle["entry"]?.arrayValue ?? []).filter { $0["search"]?["mode"]?.stringValue == "match" }
                .compactMap { $0["resource"]?["id"]?.stringValue })
        }

        /// The issue codes of a search's OperationOutcome entry.
        func issueCodes(_ who: String, _ path: String) async throws -> [String] {
            let (_, bundle) = try await send(who, .get, path)
            return (bundle["entry"]?.arrayValue ?? []).filter { $0["search"]?["mode"]?.stringValue == "outcome" }
                .flatMap { $0["resource"]?["issue"]?.arrayValue ?? [] }.compactMap { $0["code"]?.stringValue }
        }
    }

    /// Writes the world as operator, creates the accounts, signs everyone in, and runs `body`.
    func withWorld(_ body: @Sendable (World) async throws -> Void) async throws {
        let folder = try await TestDataFolder.open("access-http", base: Self.base)
        let (store, auth) = (folder.store, folder.auth)
        var configuration = ServerConfiguration(baseURL: Self.base, maxBodyBytes: 1 << 20)
        configuration.accessRules = true
        let auditLog = try SQLiteAuditLog(path: folder.path("audit.sqlite"))
        let service = FHIRService(store: store, configuration: configuration, auditLog: auditLog)

        for json in Self.worldResources() {
            let object = try JSON.parse(Array(json.utf8))
            let type = object["resourceType"]!.stringValue!, id = object["id"]!.stringValue!
            let response = await service.handle(FHIRRequest(method: .put, path: [type, id], headers: ["content-type": "application/fhir+json"],
                                                            body: Array(json.utf8), caller: Self.operatorCaller))
            #expect(response.status == 201, "\(type)/\(id): \(String(decoding: response.body, as: UTF8.self))")
        }
        var otps: [String: TOTP] = [:]
        let professionals = [("gp", "gp", "r-gp"), ("doc", "doc", "r-doc"), ("stranger", "stranger", "r-stranger"), ("pharm", "pharm", "r-pharm"), ("po", "po", "r-po")]
        for (username, practitioner, role) in professionals {
            let (_, totp) = try await auth.createAccount(username: username, password: AuthFlowTests.password,
                binding: .practitioner(ActorReference("Practitioner/\(practitioner)")!, role: ActorReference("PractitionerRole/\(role)")))
            otps[username] = totp
        }
        _ = try await auth.createAccount(username: "alice", password: AuthFlowTests.password, binding: .patient(ActorReference("Patient/pat")!))
        _ = try await auth.createAccount(username: "parent", password: AuthFlowTests.password,
                                         binding: .relatedPerson(ActorReference("RelatedPerson/parent")!, patient: ActorReference("Patient/pat")))
        let secondFactors = otps
        let router = buildRouter(service: service, http: .init(), auth: auth)
        let app = Application(router: router)
        try await app.test(.router) { client in
            var tokens: [String: String] = [:]
            for (username, _, _) in professionals {
                let answer = try await AuthFlowTests.signIn(client, username: username, otp: secondFactors[username]!.code(at: Date()),
                                                            scope: "openid fhirUser user/*.cruds")
                tokens[username] = try #require(answer["access_token"] as? String)
            }
            for username in ["alice", "parent"] {
                let answer = try await AuthFlowTests.signIn(client, username: username, otp: nil, scope: "openid fhirUser launch/patient patient/*.cruds")
                tokens[username] = try #require(answer["access_token"] as? String)
            }
            tokens["operator"] = try await auth.issueOperatorToken(for: .admin, operatorName: "test").token
            try await body(World(client: client, service: service, tokens: tokens, auditLog: auditLog))
        }
        try await auditLog.close()
        try await folder.close()
    }

    static func worldResources() -> [String] {
        let now = FHIRInstant.format(Date())
        let old = FHIRInstant.format(Date().addingTimeInterval(-60 * 86_400))
        func org(_ id: String) -> String { #"{"resourceType":"Organization","id":"\#(id)","name":"\#(id)"}"# }
        func practitioner(_ id: String) -> String { #"{"resourceType":"Practitioner","id":"\#(id)","name":[{"family":"\#(id)"}]}"# }
        func role(_ id: String, _ practitioner: String, _ org: String, _ system: String, _ code: String) -> String {
            #"{"resourceType":"PractitionerRole","id":"\#(id)","active":true,"practitioner":{"reference":"Practitioner/\#(practitioner)"},"organization":{"reference":"Organization/\#(org)"},"code":[{"coding":[{"system":"\#(system)","code":"\#(code)"}]}]}"#
        }
        let hl7 = "http://terminology.hl7.org/CodeSystem/practitioner-role", ours = "https://dossier.health/CodeSystem/profession"
        func document(_ id: String, type: String, author: String, date: String, labels: [String] = []) -> String {
            let security = labels.map { #"{"system":"urn:oid:1.2.250.1.213.1.1.4.13","code":"\#($0)"}"# }.joined(separator: ",")
            let meta = labels.isEmpty ? "" : #""meta":{"security":[\#(security)]},"#
            return #"{"resourceType":"DocumentReference","id":"\#(id)",\#(meta)"status":"current","type":{"coding":[{"system":"http://loinc.org","code":"\#(type)"}]},"subject":{"reference":"Patient/pat"},"date":"\#(date)","author":[{"reference":"\#(author)"}],"content":[{"attachment":{"contentType":"text/plain","data":"aGVsbG8="}}]}"#
        }
        return [
            org("hosp"), org("gpo"), org("pharmacy"), org("elsewhere"),
            practitioner("gp"), practitioner("doc"), practitioner("stranger"), practitioner("pharm"), practitioner("po"),
            role("r-gp", "gp", "gpo", hl7, "doctor"), role("r-doc", "doc", "hosp", hl7, "doctor"),
            role("r-stranger", "stranger", "elsewhere", hl7, "doctor"), role("r-pharm", "pharm", "pharmacy", hl7, "pharmacist"),
            role("r-po", "po", "hosp", ours, "privacy-officer"),
            #"{"resourceType":"Patient","id":"pat","name":[{"family":"Durand","given":["Alice"]}],"generalPractitioner":[{"reference":"Practitioner/gp"}]}"#,
            #"{"resourceType":"Patient","id":"other","name":[{"family":"Other"}]}"#,
            #"{"resourceType":"RelatedPerson","id":"parent","patient":{"reference":"Patient/pat"},"relationship":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-RoleCode","code":"PRN"}]}]}"#,
            #"{"resourceType":"Encounter","id":"enc","status":"in-progress","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"IMP"},"subject":{"reference":"Patient/pat"},"serviceProvider":{"reference":"Organization/hosp"}}"#,
            document("d-discharge", type: "11490-0", author: "PractitionerRole/r-doc", date: old),
            document("d-masked", type: "11490-0", author: "Practitioner/gp", date: old, labels: ["MASQUE_PS"]),
            document("d-result", type: "11502-2", author: "PractitionerRole/r-doc", date: now, labels: ["INVISIBLE_PATIENT"]),
            document("d-old-result", type: "11502-2", author: "PractitionerRole/r-doc", date: old, labels: ["INVISIBLE_PATIENT"]),
            document("d-not-for-parents", type: "11490-0", author: "Practitioner/gp", date: old, labels: ["INVISIBLE_REPRESENTANTS_LEGAUX"]),
            #"{"resourceType":"MedicationRequest","id":"mr","status":"active","intent":"order","subject":{"reference":"Patient/pat"},"medicationCodeableConcept":{"text":"amoxicillin"},"requester":{"reference":"Practitioner/gp"}}"#,
            #"{"resourceType":"Observation","id":"obs-other","status":"final","code":{"text":"weight"},"subject":{"reference":"Patient/other"}}"#,
        ]
    }

    static func consent(_ patient: String, _ type: String, actor: String? = nil, gpEquivalent: Bool = false, objection: Bool = false,
                        status: String = "active", id: String? = nil) -> String {
        var provision = #""type":"\#(type)""#
        if let actor { provision += #","actor":[{"role":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ParticipationType","code":"PRCP"}]},"reference":{"reference":"\#(actor)"}}]"# }
        if gpEquivalent { provision += #","action":[{"coding":[{"system":"https://dossier.health/CodeSystem/consent-action","code":"gp-equivalent"}]}]"# }
        if objection { provision += #","purpose":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActReason","code":"ETREAT"}]"# }
        let idPart = id.map { #""id":"\#($0)","# } ?? ""
        return #"{"resourceType":"Consent",\#(idPart)"status":"\#(status)","scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"patient-privacy"}]},"category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]}],"patient":{"reference":"Patient/\#(patient)"},"dateTime":"2026-11-01","provision":{\#(provision)}}"#
    }

    @Test func withoutATokenOnlyTheCapabilityStatementAnswers() async throws {
        try await withWorld { (world: World) async throws in
            #expect(try await world.send(nil, .get, "Patient/pat").status == 401)
            #expect(try await world.send(nil, .get, "metadata").status == 200)
        }
    }

    @Test func thePatientSeesTheirRecordButNotAResultAwaitingItsAnnouncement() async throws {
        try await withWorld { (world: World) async throws in
            #expect(try await world.send("alice", .get, "Patient/pat").status == 200)
            #expect(try await world.send("alice", .get, "Patient/other").status == 404)
            #expect(try await world.send("alice", .get, "Observation/obs-other").status == 404)
            #expect(try await world.ids("alice", "DocumentReference?subject=Patient/pat")
                    == ["d-discharge", "d-masked", "d-old-result", "d-not-for-parents"])
            // Hidden like an absent resource, same status and issue.
            let hidden = try await world.send("alice", .get, "DocumentReference/d-result")
            let absent = try await world.send("alice", .get, "DocumentReference/no-such-doc")
            #expect(hidden.status == 404 && absent.status == 404)
            #expect(hidden.json["issue"]?[0]?["code"] == absent.json["issue"]?[0]?["code"])
            let count = try await world.send("alice", .get, "DocumentReference?_summary=count")
            #expect(count.json["total"] == .number("4"))
        }
    }

    @Test func aListTheActorMayNotSeeSelectsNothing() async throws {
        try await withWorld { (world: World) async throws in
            // A masked List in Alice's record, naming a document the hospital doctor may read.
            let list = #"{"resourceType":"List","id":"l-masked","meta":{"security":[{"system":"urn:oid:1.2.250.1.213.1.1.4.13","code":"MASQUE_PS"}]},"status":"current","mode":"working","subject":{"reference":"Patient/pat"},"entry":[{"item":{"reference":"DocumentReference/d-discharge"}}]}"#
            #expect(try await world.send("operator", .put, "List/l-masked", list).status == 201)
            #expect(try await world.send("doc", .get, "List/l-masked").status == 404)
            #expect(try await world.send("doc", .get, "DocumentReference/d-discharge").status == 200)
            // Through _list, the doctor would learn what the hidden List holds: it selects nothing, like an absent one.
            #expect(try await world.ids("doc", "DocumentReference?_list=l-masked").isEmpty)
            #expect(try await world.ids("doc", "DocumentReference?_list=no-such-list").isEmpty)
            #expect(try await world.ids("gp", "DocumentReference?_list=l-masked") == ["d-discharge"])
        }
    }

    @Test func changingADeletedResourceRevealsItOnlyToThoseWhoCouldReadIt() async throws {
        try await withWorld { (world: World) async throws in
            #expect(try await world.send("operator", .delete, "Observation/obs-other").status < 300)
            let patch = #"[{"op":"replace","path":"/status","value":"amended"}]"#
            let meta = #"{"resourceType":"Parameters","parameter":[{"name":"meta","valueMeta":{"tag":[{"system":"urn:x","code":"y"}]}}]}"#
            // The doctor never had access to the other patient's record: as for an absent resource, 404, not 410.
            #expect(try await world.send("doc", .patch, "Observation/obs-other", patch, contentType: "application/json-patch+json").status == 404)
            #expect(try await world.send("doc", .post, "Observation/obs-other/$meta-add", meta).status == 404)
            #expect(try await world.send("doc", .get, "Observation/obs-other").status == 404)
            #expect(try await world.send("operator", .patch, "Observation/obs-other", patch, contentType: "application/json-patch+json").status == 410)
            #expect(try await world.send("operator", .post, "Observation/obs-other/$meta-add", meta).status == 410)
        }
    }

    @Test func contentOutsideThePatientCompartmentIsNotEveryonesToRead() async throws {
        try await withWorld { (world: World) async throws in
            // A document's content, a stored document Bundle, a Task about Alice: none is in the R4 compartment.
            let binary = #"{"resourceType":"Binary","id":"b1","contentType":"text/plain","data":"c2VjcmV0"}"#
            let bundle = #"{"resourceType":"Bundle","id":"bu1","type":"collection","entry":[{"resource":{"resourceType":"Observation","status":"final","code":{"text":"hiv test"},"subject":{"reference":"Patient/pat"}}}]}"#
            let subscription = #"{"resourceType":"Subscription","id":"s1","status":"off","reason":"r","criteria":"Observation?patient=Patient/pat","channel":{"type":"rest-hook","endpoint":"https://example.org/hook"}}"#
            let task = #"{"resourceType":"Task","id":"t1","status":"requested","intent":"order","description":"review the HIV result","for":{"reference":"Patient/pat"}}"#
            for (type, id, body) in [("Binary", "b1", binary), ("Bundle", "bu1", bundle), ("Task", "t1", task)] {
                #expect(try await world.send("operator", .put, "\(type)/\(id)", body).status == 201)
                #expect(try await world.send("operator", .get, "\(type)/\(id)").status == 200)
                for who in ["alice", "doc", "gp", "stranger"] {
                    #expect(try await world.send(who, .get, "\(type)/\(id)").status == 404, "\(who) \(type)")
                    #expect(try await world.ids(who, type).isEmpty, "\(who) \(type)?")
                }
                #expect(try await world.send("doc", .put, "\(type)/\(id)", body).status == 403)
            }
            // A Subscription is its owner's: the operator's is nobody else's to see or change; anyone may create their own.
            #expect(try await world.send("operator", .put, "Subscription/s1", subscription).status == 201)
            for who in ["alice", "doc", "gp", "stranger"] {
                #expect(try await world.send(who, .get, "Subscription/s1").status == 404, "\(who) Subscription")
                #expect(try await world.ids(who, "Subscription").isEmpty, "\(who) Subscription?")
            }
            #expect(try await world.send("doc", .put, "Subscription/s1", subscription).status == 404)
            #expect(try await world.send("doc", .post, "Subscription", subscription).status == 201)
            #expect(try await world.ids("doc", "Subscription").count == 1)
            #expect(try await world.ids("gp", "Subscription").isEmpty)
            // Shared resources stay readable by everyone signed in.
            #expect(try await world.send("alice", .get, "Practitioner/doc").status == 200)
        }
    }

    @Test func aLegalRepresentativeDoesNotSeeWhatThePatientHidFromThem() async throws {
        try await withWorld { (world: World) async throws in
            let seen = try await world.ids("parent", "DocumentReference?subject=Patient/pat")
            #expect(seen == ["d-discharge", "d-masked", "d-old-result"])
            #expect(try await world.send("parent", .get, "DocumentReference/d-not-for-parents").status == 404)
        }
    }

    @Test func aProfessionalWithoutAGroundSeesNothingAndIsToldResultsAreSuppressed() async throws {
        try await withWorld { (world: World) async throws in
            #expect(try await world.send("stranger", .get, "Patient/pat").status == 404)
            #expect(try await world.send("stranger", .get, "Patient/pat/$everything").status == 404)
            #expect(try await world.ids("stranger", "DocumentReference?subject=Patient/pat").isEmpty)
            #expect(try await world.issueCodes("stranger", "DocumentReference?subject=Patient/pat").contains("suppressed"))
            #expect(try await world.ids("stranger", "Patient?_has:DocumentReference:subject:_id=d-discharge").isEmpty)
            // Shared resources are readable by everyone signed in.
            #expect(try await world.send("stranger", .get, "Organization/hosp").status == 200)
        }
    }

    @Test func theGPSeesMaskedDocumentsACareRelationshipDoesNot() async throws {
        try await withWorld { (world: World) async throws in
            #expect(try await world.ids("gp", "DocumentReference?subject=Patient/pat")
                    == ["d-discharge", "d-masked", "d-result", "d-old-result", "d-not-for-parents"])
            // The hospital doctor reaches the record through the open encounter, minus the masked document.
            let doc = try await world.ids("doc", "DocumentReference?subject=Patient/pat")
            #expect(doc == ["d-discharge", "d-result", "d-old-result", "d-not-for-parents"])
            #expect(try await world.send("doc", .get, "DocumentReference/d-masked").status == 404)
            #expect(try await world.issueCodes("doc", "DocumentReference?subject=Patient/pat").contains("suppressed") == false)
            // The encounter ends: the relationship, and the access, end with it.
            let finished = #"{"resourceType":"Encounter","id":"enc","status":"finished","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"IMP"},"subject":{"reference":"Patient/pat"},"serviceProvider":{"reference":"Organization/hosp"}}"#
            #expect(try await world.send("operator", .put, "Encounter/enc", finished).status == 200)
            #expect(try await world.send("doc", .get, "DocumentReference/d-discharge").status == 404)
        }
    }

    @Test func thePatientAuthorisesAProfessionalAndWithdrawsIt() async throws {
        try await withWorld { (world: World) async throws in
            let created = try await world.send("alice", .post, "Consent", Self.consent("pat", "permit", actor: "Practitioner/stranger"))
            #expect(created.status == 201, "\(created.json)")
            let id = try #require(created.json["id"]?.stringValue)
            #expect(try await world.send("stranger", .get, "DocumentReference/d-discharge").status == 200)
            #expect(try await world.send("stranger", .get, "DocumentReference/d-masked").status == 404)
            let withdrawn = Self.consent("pat", "permit", actor: "Practitioner/stranger", status: "inactive", id: id)
            #expect(try await world.send("alice", .put, "Consent/\(id)", withdrawn).status == 200)
            #expect(try await world.send("stranger", .get, "DocumentReference/d-discharge").status == 404)
            // GP-equivalent rights include masked documents.
            #expect(try await world.send("alice", .post, "Consent", Self.consent("pat", "permit", actor: "Practitioner/stranger", gpEquivalent: true)).status == 201)
            #expect(try await world.send("stranger", .get, "DocumentReference/d-masked").status == 200)
            // A professional may record an authorisation the patient gives in person; it is marked as such.
            let inPerson = try await world.send("pharm", .post, "Consent", Self.consent("pat", "permit", actor: "Practitioner/pharm"))
            #expect(inPerson.status == 201)
            #expect((inPerson.json["meta"]?["tag"]?.arrayValue ?? []).contains { $0["code"]?.stringValue == "recorded-in-person" })
            #expect(try await world.send("pharm", .get, "MedicationRequest/mr").status == 200)
            // But not a block or a GP-equivalence.
            #expect(try await world.send("pharm", .post, "Consent", Self.consent("pat", "deny", actor: "Practitioner/gp")).status == 403)
            // Only the patient takes these decisions: not the operator.
            #expect(try await world.send("operator", .post, "Consent", Self.consent("pat", "permit", actor: "Practitioner/pharm")).status == 403)
        }
    }

    @Test func aBlockedProfessionalSeesNothingButMayStillAdd() async throws {
        try await withWorld { (world: World) async throws in
            let block = try await world.send("alice", .post, "Consent", Self.consent("pat", "deny", actor: "Practitioner/doc"))
            #expect(block.status == 201)
            #expect(try await world.send("doc", .get, "DocumentReference/d-discharge").status == 404)
            #expect(try await world.ids("doc", "DocumentReference?subject=Patient/pat").isEmpty)
            // They see their own block, and only it.
            #expect(try await world.ids("doc", "Consent?patient=Patient/pat") == [block.json["id"]!.stringValue!])
            let observation = #"{"resourceType":"Observation","status":"final","code":{"text":"pulse"},"subject":{"reference":"Patient/pat"},"performer":[{"reference":"Practitioner/doc"}]}"#
            #expect(try await world.send("doc", .post, "Observation", observation).status == 201)
            // Others do not see the block.
            #expect(try await world.ids("gp", "Consent?patient=Patient/pat").isEmpty)
        }
    }

    @Test func theMatrixLimitsWhatEachProfessionReads() async throws {
        try await withWorld { (world: World) async throws in
            #expect(try await world.send("alice", .post, "Consent", Self.consent("pat", "permit", actor: "Organization/pharmacy")).status == 201)
            #expect(try await world.send("pharm", .get, "MedicationRequest/mr").status == 200)
            #expect(try await world.ids("pharm", "DocumentReference?subject=Patient/pat") == ["d-result", "d-old-result"])
            #expect(try await world.send("pharm", .get, "DocumentReference/d-discharge").status == 404)
            let matrix = try await world.send("pharm", .get, "$access-matrix")
            #expect(matrix.status == 200 && matrix.json["professions"]?.arrayValue?.isEmpty == false)
        }
    }

    @Test func breakingTheGlassIsTimeLimitedNotifiedAndRefusedAfterAnObjection() async throws {
        try await withWorld { (world: World) async throws in
            let noReason = try await world.send("stranger", .post, "Patient/pat/$break-glass", #"{"resourceType":"Parameters"}"#)
            #expect(noReason.status == 400)
            let parameters = #"{"resourceType":"Parameters","parameter":[{"name":"reason","valueString":"unconscious in A&E"}]}"#
            let granted = try await world.send("stranger", .post, "Patient/pat/$break-glass", parameters)
            #expect(granted.status == 200, "\(granted.json)")
            let expires = try #require(granted.json["parameter"]?[0]?["valueInstant"]?.stringValue)
            let end = try #require(FHIRInstant(expires)?.lowerBound)
            #expect(abs(end.timeIntervalSinceNow - 4 * 3600) < 120)
            #expect(try await world.send("stranger", .get, "DocumentReference/d-discharge").status == 200)
            #expect(try await world.send("stranger", .get, "DocumentReference/d-masked").status == 404)
            // The patient and the GP are told.
            let notices = try await world.send("alice", .get, "Communication?subject=Patient/pat")
            let recipients = (notices.json["entry"]?[0]?["resource"]?["recipient"]?.arrayValue ?? []).compactMap { $0["reference"]?.stringValue }
            #expect(recipients.contains("Patient/pat") && recipients.contains("Practitioner/gp"))
            // An objection refuses new emergency accesses, and ends the live one.
            #expect(try await world.send("alice", .post, "Consent", Self.consent("pat", "deny", objection: true)).status == 201)
            #expect(try await world.send("stranger", .get, "DocumentReference/d-discharge").status == 404)
            let refused = try await world.send("doc", .post, "Patient/pat/$break-glass", parameters)
            #expect(refused.status == 403)
        }
    }

    @Test func onlyThePatientMasksAndOnlyTheAuthorAnnounces() async throws {
        try await withWorld { (world: World) async throws in
            let mask = #"{"resourceType":"Parameters","parameter":[{"name":"meta","valueMeta":{"security":[{"system":"urn:oid:1.2.250.1.213.1.1.4.13","code":"MASQUE_PS"}]}}]}"#
            #expect(try await world.send("doc", .post, "DocumentReference/d-discharge/$meta-add", mask).status == 403)
            #expect(try await world.send("alice", .post, "DocumentReference/d-discharge/$meta-add", mask).status == 200)
            #expect(try await world.send("doc", .get, "DocumentReference/d-discharge").status == 200)  // its author
            #expect(try await world.send("alice", .post, "Consent", Self.consent("pat", "permit", actor: "Practitioner/stranger")).status == 201)
            #expect(try await world.send("stranger", .get, "DocumentReference/d-discharge").status == 404)
            #expect(try await world.send("alice", .post, "DocumentReference/d-discharge/$meta-delete", mask).status == 200)
            #expect(try await world.send("stranger", .get, "DocumentReference/d-discharge").status == 200)
            // The announcement label is the author's.
            let invisible = #"{"resourceType":"Parameters","parameter":[{"name":"meta","valueMeta":{"security":[{"system":"urn:oid:1.2.250.1.213.1.1.4.13","code":"INVISIBLE_PATIENT"}]}}]}"#
            #expect(try await world.send("alice", .post, "DocumentReference/d-result/$meta-delete", invisible).status == 404)
            #expect(try await world.send("doc", .post, "DocumentReference/d-result/$meta-delete", invisible).status == 200)
            #expect(try await world.send("alice", .get, "DocumentReference/d-result").status == 200)
        }
    }

    @Test func whatThePatientAddsIsMarkedAsTheirs() async throws {
        try await withWorld { (world: World) async throws in
            let note = #"{"resourceType":"Observation","status":"final","code":{"text":"home blood pressure"},"subject":{"reference":"Patient/pat"}}"#
            let created = try await world.send("alice", .post, "Observation", note)
            #expect(created.status == 201)
            let tags = (created.json["meta"]?["tag"]?.arrayValue ?? []).compactMap { $0["code"]?.stringValue }
            #expect(tags.contains("patient-added"))
            // Not in someone else's record, and not a professional's document.
            let elsewhere = #"{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"Patient/other"}}"#
            #expect(try await world.send("alice", .post, "Observation", elsewhere).status == 403)
            #expect(try await world.send("alice", .delete, "DocumentReference/d-discharge").status == 403)
        }
    }

    @Test func aPatientIsToldToConsultTwoWeeksAfterAResultWasFiledOnce() async throws {
        try await withWorld { (world: World) async throws in
            let filed = FHIRInstant.format(Date().addingTimeInterval(-20 * 86_400))
            let pending = #"{"resourceType":"DocumentReference","id":"d-pending","meta":{"security":[{"system":"urn:oid:1.2.250.1.213.1.1.4.13","code":"INVISIBLE_PATIENT"}]},"status":"current","type":{"coding":[{"system":"http://loinc.org","code":"11502-2"}]},"subject":{"reference":"Patient/pat"},"date":"\#(filed)","author":[{"reference":"PractitionerRole/r-doc"}],"content":[{"attachment":{"contentType":"text/plain","data":"aGVsbG8="}}]}"#
            #expect(try await world.send("operator", .put, "DocumentReference/d-pending", pending).status == 201)
            // d-result is too recent, d-old-result already visible: only d-pending is due.
            #expect(try await world.service.sendAnnouncementNudges() == 1)
            #expect(try await world.service.sendAnnouncementNudges() == 0)
            let notices = try await world.send("alice", .get, "Communication?subject=Patient/pat")
            let about = (notices.json["entry"]?.arrayValue ?? []).compactMap { $0["resource"]?["about"]?[0]?["reference"]?.stringValue }
            #expect(about == ["DocumentReference/d-pending"])
            #expect(try await world.send("alice", .get, "DocumentReference/d-pending").status == 404)
        }
    }

    @Test func everyAccessIsAuditedAndEachSeesTheirShareOfTheTrail() async throws {
        try await withWorld { (world: World) async throws in
            #expect(try await world.send("doc", .get, "DocumentReference/d-discharge").status == 200)
            let parameters = #"{"resourceType":"Parameters","parameter":[{"name":"reason","valueString":"cardiac arrest"}]}"#
            #expect(try await world.send("doc", .post, "Patient/pat/$break-glass", parameters).status == 200)
            #expect(try await world.send("stranger", .get, "DocumentReference/d-discharge").status == 404)

            func events(_ who: String, _ query: String) async throws -> [JSON] {
                let (status, bundle) = try await world.send(who, .get, "AuditEvent?" + query)
                #expect(status == 200, "\(who) AuditEvent?\(query): \(bundle)")
                return (bundle["entry"]?.arrayValue ?? []).compactMap { $0["resource"] }
            }
            func agents(_ event: JSON) -> [String] { (event["agent"]?.arrayValue ?? []).compactMap { $0["who"]?["reference"]?.stringValue } }
            func isOverride(_ event: JSON) -> Bool { event["type"]?["code"]?.stringValue == "110113" }

            // The patient sees who accessed their record: the doctor's read, the override, the stranger's refused read.
            let alice = try await events("alice", "patient=Patient/pat&_count=200")
            #expect(alice.contains { agents($0).contains("Practitioner/doc") && $0["subtype"]?[0]?["code"]?.stringValue == "read" })
            #expect(alice.contains { agents($0).contains("Practitioner/doc") && isOverride($0) })
            #expect(alice.contains { agents($0).contains("Practitioner/stranger") && $0["outcome"]?.stringValue == "4" })
            // Not another patient's.
            #expect(try await events("alice", "patient=Patient/other").isEmpty)
            // One event by id, under the same scope: the patient reads it, a professional who is not in it does not.
            let id = try #require(alice.first { !agents($0).contains("Practitioner/stranger") }?["id"]?.stringValue)
            #expect(try await world.send("alice", .get, "AuditEvent/\(id)").status == 200)
            #expect(try await world.send("stranger", .get, "AuditEvent/\(id)").status == 404)
            // A professional sees their own actions only.
            let stranger = try await events("stranger", "_count=200")
            #expect(!stranger.isEmpty && stranger.allSatisfy { agents($0).contains("Practitioner/stranger") })
            // The privacy officer of the hospital sees its emergency accesses, not its ordinary reads.
            let officer = try await events("po", "_count=200").filter { !agents($0).contains("Practitioner/po") }
            #expect(officer.count >= 1 && officer.allSatisfy { agents($0).contains("Organization/hosp") })
            #expect(officer.contains(where: isOverride))
            // The trail is the server's: no one writes it through the API.
            #expect(try await world.send("operator", .post, "AuditEvent", #"{"resourceType":"AuditEvent"}"#).status == 405)
            let verification = try await world.auditLog.verify()
            #expect(verification.isIntact && verification.checkedCount > 20)
        }
    }
}
