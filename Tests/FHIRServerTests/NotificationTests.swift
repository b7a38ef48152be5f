import Access
import FHIRCore
import FHIRServer
import Foundation
import Testing

/// The built-in notifications (DOMAIN.md "Care coordination"): each trigger, reading by recipients only, and no
/// forged notification.
@Suite("Built-in notifications")
struct NotificationTests {
    static let system = "https://dossier.health/CodeSystem/notification"
    static let operatorCaller = SummaryTests.operatorCaller
    static func professional(_ id: String) -> RequestCaller { SummaryTests.professional(id) }
    static let patient = RequestCaller(subject: "pat1", fhirUser: "Patient/pat1")

    /// pat1 (GP `gp`, authorises nurse `nu`), professionals `gp`, `nu`, `er` (doctor) at o1, the privacy officer
    /// `po` of o1, and `other` at o2.
    static func withWorld(_ body: (SummaryTests.World) async throws -> Void) async throws {
        var configuration = ServerConfiguration(baseURL: "http://test/fhir")
        configuration.accessRules = true
        let test = try TestService.make(configuration)
        defer { Task { await test.close() } }
        let w = SummaryTests.World(test: test)
        try await w.put(#"{"resourceType":"Organization","id":"o1","name":"Clinic"}"#)
        try await w.put(#"{"resourceType":"Organization","id":"o2","name":"Elsewhere"}"#)
        for json in SummaryTests.professionalRole("gp", "doctor", org: "o1") + SummaryTests.professionalRole("nu", "nurse", org: "o1")
            + SummaryTests.professionalRole("er", "doctor", org: "o1") + SummaryTests.professionalRole("other", "doctor", org: "o2") {
            try await w.put(json)
        }
        try await w.put(#"{"resourceType":"Practitioner","id":"po"}"#)
        try await w.put(#"{"resourceType":"PractitionerRole","id":"r-po","active":true,"practitioner":{"reference":"Practitioner/po"},"organization":{"reference":"Organization/o1"},"code":[{"coding":[{"system":"https://dossier.health/CodeSystem/profession","code":"privacy-officer"}]}]}"#)
        try await w.put(#"{"resourceType":"Patient","id":"pat1","name":[{"family":"One"}],"generalPractitioner":[{"reference":"Practitioner/gp"}]}"#)
        try await w.put(#"{"resourceType":"Observation","id":"obs","status":"final","code":{"text":"Glucose"},"subject":{"reference":"Patient/pat1"}}"#)
        try await w.post(SummaryTests.consent("pat1", Self.permit("PractitionerRole/r-nu")), as: patient)
        try await body(w)
    }

    static func permit(_ actor: String) -> String {
        #""type":"permit","actor":[{"role":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ParticipationType","code":"PRCP"}]},"reference":{"reference":"\#(actor)"}}]"#
    }

    static func document(_ id: String, status: String = "current", date: String = "2024-05-01T10:00:00Z", extra: String = "") -> String {
        #"{"resourceType":"DocumentReference","id":"\#(id)",\#(extra)"status":"\#(status)","type":{"coding":[{"system":"http://loinc.org","code":"11490-0","display":"Discharge letter"}]},"subject":{"reference":"Patient/pat1"},"date":"\#(date)","author":[{"reference":"PractitionerRole/r-er"}],"content":[{"attachment":{"contentType":"text/plain","data":"aGVsbG8="}}]}"#
    }

    /// The notifications `caller` finds with this query.
    static func notifications(_ w: SummaryTests.World, _ caller: RequestCaller, _ query: String) async -> [JSON] {
        let response = await w.send(caller, .get, "Communication?\(query)")
        #expect(response.status == 200, "\(response.json)")
        return (response.json["entry"]?.arrayValue ?? []).compactMap { $0["resource"] }.filter { $0["resourceType"]?.stringValue == "Communication" }
    }

    static func category(_ json: JSON) -> String? { json["category"]?[0]?["coding"]?[0]?["code"]?.stringValue }

    @Test func aNewCurrentDocumentNotifiesThePatientsGPOnce() async throws {
        try await Self.withWorld { w in
            try await w.put(Self.document("d1"))
            try await w.put(Self.document("d1", extra: #""description":"corrected","#))  // an update: no second notification
            try await w.put(Self.document("d-old", status: "superseded"))
            let found = await Self.notifications(w, Self.professional("gp"), "recipient=Practitioner/gp&category=\(Self.system)|new-document")
            #expect(found.count == 1)
            let notice = try #require(found.first)
            #expect(notice["status"]?.stringValue == "completed")
            #expect(notice["subject"]?["reference"]?.stringValue == "Patient/pat1")
            #expect(notice["about"]?[0]?["reference"]?.stringValue == "DocumentReference/d1")
            #expect(notice["payload"]?[0]?["contentString"]?.stringValue?.contains("Discharge letter") == true)
            // Not the patient's, not the nurse's (who may read the record but is not the recipient).
            #expect(await Self.notifications(w, Self.patient, "category=\(Self.system)|new-document").isEmpty)
            #expect(await Self.notifications(w, Self.professional("nu"), "category=\(Self.system)|new-document").isEmpty)
            let id = try #require(notice["id"]?.stringValue)
            #expect(await w.send(Self.professional("nu"), .get, "Communication/\(id)").status == 404)
            #expect(await w.send(Self.patient, .get, "Communication/\(id)").status == 404)  // the patient reads the record, not the GP's notifications
            #expect(await w.send(Self.professional("gp"), .get, "Communication/\(id)").status == 200)
        }
    }

    @Test func emergencyAccessNotifiesThePatientTheGPAndThePrivacyOfficer() async throws {
        try await Self.withWorld { w in
            let granted = await w.send(Self.professional("er"), .post, "Patient/pat1/$break-glass",
                                       #"{"resourceType":"Parameters","parameter":[{"name":"reason","valueString":"unconscious"}]}"#)
            #expect(granted.status == 200, "\(granted.json)")
            for caller in [Self.patient, Self.professional("gp"), RequestCaller(subject: "po", fhirUser: "Practitioner/po", role: "PractitionerRole/r-po")] {
                let found = await Self.notifications(w, caller, "category=\(Self.system)|emergency-access")
                #expect(found.count == 1, "\(caller.fhirUser ?? "")")
                #expect(found.first?["payload"]?[0]?["contentString"]?.stringValue?.contains("unconscious") == true)
            }
            // The privacy officer reads the notification, not the record.
            let officer = RequestCaller(subject: "po", fhirUser: "Practitioner/po", role: "PractitionerRole/r-po")
            #expect(await w.send(officer, .get, "Observation/obs").status == 404)
            let recipients = (await Self.notifications(w, officer, "recipient=PractitionerRole/r-po").first?["recipient"]?.arrayValue ?? [])
                .compactMap { $0["reference"]?.stringValue }
            #expect(Set(recipients) == ["Patient/pat1", "Practitioner/gp", "PractitionerRole/r-po"])
            #expect(await Self.notifications(w, Self.professional("other"), "category=\(Self.system)|emergency-access").isEmpty)
        }
    }

    @Test func aResultInvisibleToThePatientForTwoWeeksBringsOneConsultReminder() async throws {
        try await Self.withWorld { w in
            let filed = FHIRInstant.format(Date().addingTimeInterval(-15 * 86_400))
            let label = #""meta":{"security":[{"system":"urn:oid:1.2.250.1.213.1.1.4.13","code":"INVISIBLE_PATIENT"}]},"#
            try await w.put(Self.document("d-result", date: filed, extra: label))
            try await w.put(Self.document("d-visible", extra: label))  // dated long ago: already visible, nothing to announce
            #expect(try await w.test.service.sendAnnouncementNudges() == 1)
            #expect(try await w.test.service.sendAnnouncementNudges() == 0)
            let found = await Self.notifications(w, Self.patient, "category=\(Self.system)|consult-reminder")
            #expect(found.count == 1)
            #expect(found.first?["about"]?[0]?["reference"]?.stringValue == "DocumentReference/d-result")
            #expect(await w.send(Self.patient, .get, "DocumentReference/d-result").status == 404)
        }
    }

    @Test func authorisingAProfessionalNotifiesThePatientAndTheProfessional() async throws {
        try await Self.withWorld { w in
            #expect(await w.send(Self.professional("other"), .get, "Patient/pat1").status == 404)
            try await w.post(SummaryTests.consent("pat1", Self.permit("Practitioner/other")), as: Self.patient)
            for caller in [Self.patient, Self.professional("other")] {
                let found = await Self.notifications(w, caller, "category=\(Self.system)|professional-authorised")
                let about = found.compactMap { $0["payload"]?[0]?["contentString"]?.stringValue }
                #expect(about.contains { $0.contains("Practitioner/other") }, "\(caller.fhirUser ?? ""): \(about)")
            }
            // The nurse's own authorisation (set up earlier) was notified to her.
            let nurse = await Self.notifications(w, Self.professional("nu"), "recipient=PractitionerRole/r-nu")
            #expect(nurse.count == 1)
        }
    }

    @Test func clientsCannotForgeNotifications() async throws {
        try await Self.withWorld { w in
            let forged = #"{"resourceType":"Communication","status":"completed","category":[{"coding":[{"system":"https://dossier.health/CodeSystem/notification","code":"new-document"}]}],"subject":{"reference":"Patient/pat1"},"recipient":[{"reference":"Practitioner/gp"}],"payload":[{"contentString":"click here"}]}"#
            for caller in [Self.patient, Self.professional("gp"), Self.professional("other")] {
                let response = await w.send(caller, .post, "Communication", forged)
                #expect(response.status == 403, "\(caller.fhirUser ?? ""): \(response.status)")
                #expect(response.json["resourceType"]?.stringValue == "OperationOutcome")
                #expect(response.json["issue"]?[0]?["diagnostics"]?.stringValue?.contains("written by the server only") == true)
            }
            // Nor by turning an ordinary Communication into one.
            let plain = #"{"resourceType":"Communication","id":"c1","status":"completed","subject":{"reference":"Patient/pat1"},"payload":[{"contentString":"hello"}]}"#
            #expect(await w.send(Self.professional("gp"), .put, "Communication/c1", plain).status == 201)
            let turned = plain.replacingOccurrences(of: #""status":"completed","#, with: #""status":"completed","category":[{"coding":[{"system":"https://dossier.health/CodeSystem/notification","code":"new-document"}]}],"#)
            #expect(await w.send(Self.professional("gp"), .put, "Communication/c1", turned).status == 403)
            // The operator may.
            #expect(await w.send(Self.operatorCaller, .post, "Communication", forged).status == 201)
        }
    }
}
