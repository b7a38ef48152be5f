import Access
import FHIRCore
import FHIRServer
import Foundation
import Testing

/// `Patient/$summary` (IPS): the document's shape, its sections and empty reasons, and that a summary shows an
/// actor exactly what the access rules let them see (rule 7).
@Suite("Patient summary")
struct SummaryTests {
    static let operatorCaller = RequestCaller(subject: "operator", fhirUser: nil, isOperator: true)
    static func professional(_ id: String) -> RequestCaller {
        RequestCaller(subject: id, fhirUser: "Practitioner/\(id)", role: "PractitionerRole/r-\(id)")
    }
    static let patientCaller = RequestCaller(subject: "pat1", fhirUser: "Patient/pat1")
    /// The IPS section codes in the summary's order.
    static let sectionCodes = ["10160-0", "48765-2", "11450-4", "11369-6", "30954-2", "47519-4"]

    struct World {
        let test: TestService
        func send(_ caller: RequestCaller, _ method: FHIRRequest.Method, _ path: String, _ body: String? = nil,
                  headers: [String: String] = [:]) async -> FHIRResponse {
            let parts = path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
            var h = headers
            if body != nil { h["content-type"] = "application/fhir+json" }
            let request = FHIRRequest(method: method, path: parts[0].split(separator: "/").map(String.init),
                                      query: parts.count > 1 ? QueryString.parse(String(parts[1])) : [],
                                      headers: h, body: body.map { Array($0.utf8) } ?? [], caller: caller)
            return await test.service.handle(request)
        }

        func put(_ json: String, as caller: RequestCaller = SummaryTests.operatorCaller) async throws {
            let resource = try JSON.parse(Array(json.utf8))
            let path = "\(resource["resourceType"]!.stringValue!)/\(resource["id"]!.stringValue!)"
            let response = await send(caller, .put, path, json)
            try #require(response.status == 201 || response.status == 200, "PUT \(path): \(response.status) \(response.json)")
        }

        func post(_ json: String, as caller: RequestCaller) async throws {
            let resource = try JSON.parse(Array(json.utf8))
            let response = await send(caller, .post, resource["resourceType"]!.stringValue!, json)
            try #require(response.status == 201, "POST: \(response.status) \(response.json)")
        }

        /// The summary as `caller` gets it.
        func summary(_ caller: RequestCaller, _ patient: String = "pat1") async -> (Int, JSON) {
            let response = await send(caller, .get, "Patient/\(patient)/$summary")
            return (response.status, response.json)
        }
    }

    static func consent(_ patient: String, _ provision: String) -> String {
        #"{"resourceType":"Consent","status":"active","scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"patient-privacy"}]},"category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]}],"patient":{"reference":"Patient/\#(patient)"},"dateTime":"2024-01-01","provision":{\#(provision)}}"#
    }

    static func professionalRole(_ id: String, _ code: String, org: String) -> [String] {
        [#"{"resourceType":"Practitioner","id":"\#(id)","name":[{"family":"\#(id)"}]}"#,
         #"{"resourceType":"PractitionerRole","id":"r-\#(id)","active":true,"practitioner":{"reference":"Practitioner/\#(id)"},"organization":{"reference":"Organization/\#(org)"},"code":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/practitioner-role","code":"\#(code)"}]}]}"#]
    }

    /// A small record: pat1 (GP `gp`; authorised pharmacist `ph` and doctor `blk`, who is also blocked; `other`
    /// is unrelated) with current and past medications, an allergy, active, resolved and masked problems, results
    /// of several categories, one not yet visible to the patient, and an immunisation; pat2 with "no known
    /// allergy" only.
    static func withWorld(rules: Bool = true, _ body: (World) async throws -> Void) async throws {
        var configuration = ServerConfiguration(baseURL: "http://test/fhir")
        configuration.accessRules = rules
        let test = try TestService.make(configuration)
        defer { Task { await test.close() } }
        let w = World(test: test)
        try await w.put(#"{"resourceType":"Organization","id":"o1","name":"Clinic"}"#)
        try await w.put(#"{"resourceType":"Organization","id":"o2","name":"Elsewhere"}"#)
        for json in professionalRole("gp", "doctor", org: "o1") + professionalRole("ph", "pharmacist", org: "o1")
            + professionalRole("blk", "doctor", org: "o1") + professionalRole("other", "doctor", org: "o2") {
            try await w.put(json)
        }
        try await w.put(#"{"resourceType":"Patient","id":"pat1","identifier":[{"system":"https://example.org/mrn","value":"MRN-1"}],"name":[{"given":["Ada"],"family":"Lovelace <Byron>"}],"birthDate":"1980-12-10","gender":"female","generalPractitioner":[{"reference":"Practitioner/gp"}]}"#)
        try await w.put(#"{"resourceType":"Patient","id":"pat2","name":[{"family":"Second"}],"generalPractitioner":[{"reference":"Practitioner/gp"}]}"#)
        let patient = RequestCaller(subject: "pat1", fhirUser: "Patient/pat1")
        let permit = #""type":"permit","actor":[{"role":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ParticipationType","code":"PRCP"}]},"reference":{"reference":"ACTOR"}}]"#
        try await w.post(consent("pat1", permit.replacingOccurrences(of: "ACTOR", with: "PractitionerRole/r-ph")), as: patient)
        try await w.post(consent("pat1", permit.replacingOccurrences(of: "ACTOR", with: "Practitioner/blk")), as: patient)
        try await w.post(consent("pat1", permit.replacingOccurrences(of: "ACTOR", with: "Practitioner/blk").replacingOccurrences(of: "permit", with: "deny")), as: patient)

        let subject = #""subject":{"reference":"Patient/pat1"}"#
        try await w.put(#"{"resourceType":"MedicationRequest","id":"m1","status":"active","intent":"order",\#(subject),"medicationCodeableConcept":{"text":"Amoxicillin <b>500 mg</b> & co"},"authoredOn":"2024-03-01","dosageInstruction":[{"text":"1 tablet 3 times a day"}]}"#)
        try await w.put(#"{"resourceType":"MedicationRequest","id":"m2","status":"stopped","intent":"order",\#(subject),"medicationCodeableConcept":{"text":"Old drug"}}"#)
        try await w.put(#"{"resourceType":"AllergyIntolerance","id":"a1","clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical","code":"active"}]},"code":{"text":"Peanut"},"criticality":"high","patient":{"reference":"Patient/pat1"},"reaction":[{"manifestation":[{"text":"Anaphylaxis"}]}]}"#)
        let active = #""clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active"}]}"#
        try await w.put(#"{"resourceType":"Condition","id":"c1",\#(active),"code":{"text":"Diabetes"},\#(subject),"onsetDateTime":"2010-05-01"}"#)
        try await w.put(#"{"resourceType":"Condition","id":"c2","clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"resolved"}]},"code":{"text":"Old fracture"},\#(subject)}"#)
        try await w.put(#"{"resourceType":"Condition","id":"c3","meta":{"security":[{"system":"urn:oid:1.2.250.1.213.1.1.4.13","code":"MASQUE_PS"}]},\#(active),"code":{"text":"Hidden problem"},\#(subject)}"#)
        let lab = #""category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"laboratory"}]}]"#
        try await w.put(#"{"resourceType":"Observation","id":"o-lab","status":"final",\#(lab),"code":{"text":"Glucose"},\#(subject),"effectiveDateTime":"2024-04-01","valueQuantity":{"value":5.4,"unit":"mmol/L"}}"#)
        try await w.put(#"{"resourceType":"Observation","id":"o-bp","status":"final","category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"vital-signs"}]}],"code":{"text":"Blood pressure"},\#(subject),"effectiveDateTime":"2024-04-02","component":[{"code":{"text":"Systolic"},"valueQuantity":{"value":120,"unit":"mmHg"}},{"code":{"text":"Diastolic"},"valueQuantity":{"value":80,"unit":"mmHg"}}]}"#)
        try await w.put(#"{"resourceType":"Observation","id":"o-social","status":"final","category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"social-history"}]}],"code":{"text":"Smoking"},\#(subject)}"#)
        let soon = FHIRInstant.format(Date().addingTimeInterval(-86_400))
        try await w.put(#"{"resourceType":"Observation","id":"o-announce","meta":{"security":[{"system":"urn:oid:1.2.250.1.213.1.1.4.13","code":"INVISIBLE_PATIENT"}]},"status":"final",\#(lab),"code":{"text":"Biopsy marker"},\#(subject),"issued":"\#(soon)","valueString":"awaiting announcement"}"#)
        try await w.put(#"{"resourceType":"Immunization","id":"i1","status":"completed","vaccineCode":{"text":"Tetanus"},"patient":{"reference":"Patient/pat1"},"occurrenceDateTime":"2020-01-01"}"#)
        try await w.put(#"{"resourceType":"AllergyIntolerance","id":"nka","clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical","code":"active"}]},"code":{"coding":[{"system":"http://snomed.info/sct","code":"716186003","display":"No known allergy"}]},"patient":{"reference":"Patient/pat2"}}"#)
        try await body(w)
    }

    static func sections(_ bundle: JSON) -> [JSON] { bundle["entry"]?[0]?["resource"]?["section"]?.arrayValue ?? [] }
    static func section(_ bundle: JSON, _ code: String) -> JSON? {
        sections(bundle).first { $0["code"]?["coding"]?[0]?["code"]?.stringValue == code }
    }
    static func entryIDs(_ bundle: JSON) -> Set<String> {
        Set((bundle["entry"]?.arrayValue ?? []).dropFirst().compactMap { e in
            e["resource"].map { "\($0["resourceType"]!.stringValue!)/\($0["id"]!.stringValue!)" }
        })
    }

    @Test func summaryIsAnIPSDocumentWithSectionsInOrder() async throws {
        try await Self.withWorld { w in
            let (status, bundle) = await w.summary(Self.operatorCaller)
            #expect(status == 200, "\(bundle)")
            #expect(bundle["type"]?.stringValue == "document")
            #expect(bundle["identifier"]?["value"]?.stringValue?.hasPrefix("urn:uuid:") == true)
            #expect(bundle["timestamp"]?.stringValue != nil)
            let composition = try #require(bundle["entry"]?[0]?["resource"])
            #expect(composition["resourceType"]?.stringValue == "Composition")
            #expect(composition["type"]?["coding"]?[0]?["code"]?.stringValue == "60591-5")
            #expect(composition["subject"]?["reference"]?.stringValue == "Patient/pat1")
            #expect(composition["text"]?["div"]?.stringValue?.hasPrefix(#"<div xmlns="http://www.w3.org/1999/xhtml">"#) == true)
            #expect(Self.sections(bundle).compactMap { $0["code"]?["coding"]?[0]?["code"]?.stringValue } == Self.sectionCodes)
            for section in Self.sections(bundle) {
                #expect(section["text"]?["div"]?.stringValue?.hasPrefix(#"<div xmlns="http://www.w3.org/1999/xhtml">"#) == true)
            }
            let ids = Self.entryIDs(bundle)
            #expect(ids == ["Patient/pat1", "MedicationRequest/m1", "AllergyIntolerance/a1", "Condition/c1", "Condition/c3",
                            "Immunization/i1", "Observation/o-lab", "Observation/o-bp", "Observation/o-announce"])
            // Every section entry resolves to an entry of the Bundle.
            for section in Self.sections(bundle) {
                for ref in section["entry"]?.arrayValue ?? [] { #expect(ids.contains(ref["reference"]!.stringValue!)) }
            }
            let results = try #require(Self.section(bundle, "30954-2"))
            #expect(results["text"]?["div"]?.stringValue?.contains("Systolic 120 mmHg; Diastolic 80 mmHg") == true)
            #expect(composition["text"]?["div"]?.stringValue?.contains("withheld") == false)
        }
    }

    @Test func emptySectionsSayNoInformationAndNoKnownAllergiesOnlyWhenRecorded() async throws {
        try await Self.withWorld { w in
            let (_, first) = await w.summary(Self.operatorCaller)
            let procedures = try #require(Self.section(first, "47519-4"))
            #expect(procedures["entry"] == nil)
            #expect(procedures["emptyReason"]?["coding"]?[0]?["code"]?.stringValue == "unavailable")
            #expect(procedures["text"]?["div"]?.stringValue?.contains("No information.") == true)

            let (_, second) = await w.summary(Self.operatorCaller, "pat2")
            let allergies = try #require(Self.section(second, "48765-2"))
            #expect(allergies["entry"]?[0]?["reference"]?.stringValue == "AllergyIntolerance/nka")
            #expect(allergies["text"]?["div"]?.stringValue?.contains("No known allergies.") == true)
            let medications = try #require(Self.section(second, "10160-0"))
            #expect(medications["emptyReason"]?["coding"]?[0]?["code"]?.stringValue == "unavailable")
            #expect(medications["text"]?["div"]?.stringValue?.contains("No known") == false)
        }
    }

    @Test func maskedProblemIsOnlyInTheSummariesOfThoseWhoSeeMasked() async throws {
        try await Self.withWorld { w in
            let (status, gp) = await w.summary(Self.professional("gp"))
            #expect(status == 200)
            #expect(Self.entryIDs(gp).contains("Condition/c3"))

            let (_, patient) = await w.summary(Self.patientCaller)
            #expect(Self.entryIDs(patient).contains("Condition/c3"))
            // Not yet announced: the patient's summary leaves it out and says nothing of it.
            #expect(!Self.entryIDs(patient).contains("Observation/o-announce"))
            #expect(patient.serializedText.contains("Biopsy") == false)
            #expect(patient["entry"]?[0]?["resource"]?["text"]?["div"]?.stringValue?.contains("withheld") == false)
        }
    }

    @Test func matrixRestrictedProfessionSeesOnlyItsShareAndIsToldSomethingMayBeWithheld() async throws {
        try await Self.withWorld { w in
            let (status, bundle) = await w.summary(Self.professional("ph"))
            #expect(status == 200, "\(bundle)")
            let ids = Self.entryIDs(bundle)
            #expect(ids.contains("MedicationRequest/m1"))
            #expect(ids.contains("AllergyIntolerance/a1"))
            #expect(!ids.contains { $0.hasPrefix("Condition/") })
            #expect(!ids.contains("Observation/o-bp"))
            #expect(!bundle.serializedText.contains("Hidden problem"))
            #expect(!bundle.serializedText.contains("Diabetes"))
            let problems = try #require(Self.section(bundle, "11450-4"))
            #expect(problems["emptyReason"]?["coding"]?[0]?["code"]?.stringValue == "withheld")
            let narrative = bundle["entry"]?[0]?["resource"]?["text"]?["div"]?.stringValue ?? ""
            #expect(narrative.contains("withheld"))
            #expect(!narrative.contains("c3"))
        }
    }

    @Test func blockedAndUnrelatedProfessionalsGetNotFound() async throws {
        try await Self.withWorld { w in
            for who in ["blk", "other"] {
                let (status, body) = await w.summary(Self.professional(who))
                #expect(status == 404, "\(who): \(status) \(body)")
                #expect(!body.serializedText.contains("Lovelace"))
                let byIdentifier = await w.send(Self.professional(who), .get, "Patient/$summary?identifier=https://example.org/mrn|MRN-1")
                #expect(byIdentifier.status == 404)
            }
            let absent = await w.summary(Self.professional("gp"), "nobody")
            #expect(absent.0 == 404)
        }
    }

    @Test func typeLevelSummaryFindsThePatientByIdentifier() async throws {
        try await Self.withWorld { w in
            let response = await w.send(Self.professional("gp"), .get, "Patient/$summary?identifier=https://example.org/mrn|MRN-1")
            #expect(response.status == 200)
            #expect(response.json["entry"]?[0]?["resource"]?["subject"]?["reference"]?.stringValue == "Patient/pat1")
            let post = await w.send(Self.professional("gp"), .post, "Patient/$summary",
                                    #"{"resourceType":"Parameters","parameter":[{"name":"identifier","valueIdentifier":{"system":"https://example.org/mrn","value":"MRN-1"}}]}"#)
            #expect(post.status == 200, "\(post.json)")
            let unknown = await w.send(Self.professional("gp"), .get, "Patient/$summary?identifier=https://example.org/mrn|nope")
            #expect(unknown.status == 404)
        }
    }

    @Test func htmlPageIsCompleteSelfContainedAndEscaped() async throws {
        try await Self.withWorld { w in
            for (query, headers) in [("?_format=html", [String: String]()), ("", ["accept": "text/html,application/xhtml+xml,*/*;q=0.8"])] {
                let response = await w.send(Self.operatorCaller, .get, "Patient/pat1/$summary\(query)", headers: headers)
                #expect(response.status == 200)
                #expect(response.headers.first { $0.name == "Content-Type" }?.value.hasPrefix("text/html") == true)
                let html = String(decoding: response.body, as: UTF8.self)
                #expect(html.hasPrefix("<!DOCTYPE html>"))
                #expect(html.contains("@media print"))
                #expect(html.hasSuffix("</html>\n"))
                #expect(!html.lowercased().contains("<script"))
                #expect(!html.contains("src=") && !html.contains("href=") && !html.contains("<link"), "no external assets")
                #expect(html.contains("Amoxicillin &lt;b&gt;500 mg&lt;/b&gt; &amp; co"))
                #expect(html.contains("Lovelace &lt;Byron&gt;"))
                #expect(!html.contains("<b>500"))
                let medications = try #require(html.range(of: "Current medications")), allergies = try #require(html.range(of: "Allergies and intolerances"))
                let problems = try #require(html.range(of: "<h2>Problems"))
                #expect(medications.lowerBound < allergies.lowerBound && allergies.lowerBound < problems.lowerBound)
            }
            // The XHTML narrative escapes too.
            let (_, bundle) = await w.summary(Self.operatorCaller)
            let meds = Self.section(bundle, "10160-0")?["text"]?["div"]?.stringValue ?? ""
            #expect(meds.contains("Amoxicillin &lt;b&gt;500 mg&lt;/b&gt; &amp; co"))
            let json = await w.send(Self.operatorCaller, .get, "Patient/pat1/$summary?_format=json")
            #expect(json.json["type"]?.stringValue == "document")
        }
    }

    @Test func summaryOfAnImportedSyntheaPatient() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let folder = root.appendingPathComponent("data/synthea")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        let shared = names.filter { $0.hasPrefix("0-") }.sorted()  // hospitals, then practitioners (who refer to them)
        try await Self.withWorld(rules: false) { w in
            for name in Array(shared) + ["085e81c0-7a95-ef02-16ef-aa1b4344deed.json.bz2"] {
                let bundle = try Self.bunzip(folder.appendingPathComponent(name))
                let response = await w.test.service.handle(FHIRRequest(method: .post, path: [], headers: ["content-type": "application/fhir+json"], body: bundle))
                try #require(response.status == 200, "\(name): \(response.status) \(String(decoding: response.body.prefix(500), as: UTF8.self))")
            }
            // The transaction POSTs the patient: the server gave it its own id.
            let patients = await w.send(Self.operatorCaller, .get, "Patient?identifier=https://github.com/synthetichealth/synthea|085e81c0-7a95-ef02-16ef-aa1b4344deed")
            let id = try #require(patients.json["entry"]?[0]?["resource"]?["id"]?.stringValue)
            let (status, bundle) = await w.summary(Self.operatorCaller, id)
            #expect(status == 200)
            #expect(Self.sections(bundle).count == 6)
            let ids = Self.entryIDs(bundle)
            #expect(ids.contains { $0.hasPrefix("Immunization/") })
            #expect(ids.contains { $0.hasPrefix("Observation/") })
            #expect(ids.contains { $0.hasPrefix("Procedure/") })
            let results = Self.section(bundle, "30954-2")?["entry"]?.arrayValue ?? []
            #expect(results.count <= 20)
            for section in Self.sections(bundle) {
                #expect(section["entry"] != nil || section["emptyReason"] != nil)
            }
        }
    }

    /// The decompressed bytes of a `.bz2` file (the system's `bzcat`).
    static func bunzip(_ url: URL) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/bzcat")
        process.arguments = [url.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Array(data)
    }
}

extension JSON {
    /// The compact serialisation as text (for "does not contain" checks).
    var serializedText: String { String(decoding: serialized(), as: UTF8.self) }
}
