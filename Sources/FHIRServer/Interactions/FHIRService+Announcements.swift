import Access
import FHIRCore
import Foundation
import Store

extension FHIRService {
    /// The category of the notification that tells a patient a result awaits its announcement.
    static let announcementCategory = "announcement-due"
    /// The identifier system of announcement nudges; the value is the resource's `Type/id`.
    static let announcementSystem = "https://dossier.health/Id/announcement-due"

    /// Rule 1's nudge: every resource still `INVISIBLE_PATIENT` two weeks after its date, whose patient has not
    /// been told yet, gets a `Communication` to the patient (category `record-event#announcement-due`, `about` the
    /// resource) asking them to consult; the content stays hidden until the author announces it or the month ends.
    /// Idempotent: a resource is nudged once. `serve` runs it periodically. Returns the number of notifications.
    @discardableResult
    public func sendAnnouncementNudges(now: Date = Date()) async throws -> Int {
        let label = AccessIndex.condition(.invisibleToPatient)
        let due = SearchCondition.match(param: AccessIndex.announcementDue, .date(.le, AccessIndex.instant(now)))
        let visible = SearchCondition.match(param: AccessIndex.visibleFrom, .date(.le, AccessIndex.instant(now)))
        let page = try await store.search(SearchQuery(type: nil, condition: .all([label, due, .not(visible)]), limit: 10_000))
        // A nudge names its resource in its identifier (Communication.about is not searchable in R4).
        @Sendable func identifier(_ stored: StoredResource) -> String { "\(stored.type)/\(stored.id)" }
        let candidates = page.resources.filter { !$0.patientKey.isEmpty }
        guard !candidates.isEmpty else { return 0 }
        let sent = try await store.search(SearchQuery(type: "Communication", condition: .token(
            "identifier", system: Self.announcementSystem, candidates.map(identifier)), limit: candidates.count + 1))
        let done = Set(sent.resources.compactMap { stored -> String? in
            (try? JSON.parse(stored.content))?["identifier"]?[0]?["value"]?.stringValue
        })
        let pending = candidates.filter { !done.contains(identifier($0)) }
        guard !pending.isEmpty else { return 0 }
        let written: [StoredResource] = try await store.write { tx in
            try pending.map { stored in
                let notice: JSONObject = [
                    "resourceType": "Communication",
                    "identifier": [["system": .string(Self.announcementSystem), "value": .string(identifier(stored))]],
                    "status": "completed",
                    "category": [["coding": [["system": .string(EmergencyAccessRecord.codeSystem), "code": .string(Self.announcementCategory),
                                              "display": "A result awaits its announcement"]]]],
                    "subject": ["reference": .string("Patient/\(stored.patientKey)")],
                    "about": [["reference": .string("\(stored.type)/\(stored.id)")]],
                    "sent": .string(FHIRInstant.format(now)),
                    "recipient": [["reference": .string("Patient/\(stored.patientKey)")]],
                    "payload": [["contentString": "A result is waiting for you. Please book a consultation with the professional who asked for it: they will explain it to you. It will appear in your record after the consultation, or one month after it was filed."]],
                ]
                return try self.writer.put(tx, type: "Communication", id: Self.newID(), resource: notice, method: .create, current: nil)
            }
        }
        didWrite(written)
        return written.count
    }
}
