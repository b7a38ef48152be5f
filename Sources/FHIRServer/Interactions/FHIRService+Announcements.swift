import Access
import FHIRCore
import Foundation
import Store

extension FHIRService {
    /// Rule 1's two-week reminder: every resource still `INVISIBLE_PATIENT` two weeks after its date gets one
    /// notification to the patient (category `notification#consult-reminder`, `about` the resource) asking them to
    /// consult; the content stays hidden until the author announces it or the month ends. Idempotent: the
    /// Communication's id is derived from the resource (``BuiltInNotification/id(_:key:)``), so a resource is
    /// reminded once, however often this runs and even if two runs overlap. `serve` runs it periodically
    /// (`--reminder-interval`). Returns the number of notifications written.
    @discardableResult
    public func sendAnnouncementNudges(now: Date = Date()) async throws -> Int {
        let label = AccessIndex.condition(.invisibleToPatient)
        let due = SearchCondition.match(param: AccessIndex.announcementDue, .date(.le, AccessIndex.instant(now)))
        let visible = SearchCondition.match(param: AccessIndex.visibleFrom, .date(.le, AccessIndex.instant(now)))
        let page = try await store.search(SearchQuery(type: nil, condition: .all([label, due, .not(visible)]), limit: 10_000))
        @Sendable func key(_ stored: StoredResource) -> String { "\(stored.type)/\(stored.id)" }
        let candidates = page.resources.filter { !$0.patientKey.isEmpty }
        guard !candidates.isEmpty else { return 0 }
        let ids = candidates.map { BuiltInNotification.id(.consultReminder, key: key($0)) }
        let sent = try await store.search(SearchQuery(type: "Communication", condition: .ids(ids), limit: ids.count + 1))
        let done = Set(sent.resources.map(\.id))
        let pending = candidates.filter { !done.contains(BuiltInNotification.id(.consultReminder, key: key($0))) }
        guard !pending.isEmpty else { return 0 }
        let text = "A result is waiting for you. Please book a consultation with the professional who asked for it: they will explain it to you. It will appear in your record after the consultation, or one month after it was filed."
        let written: [StoredResource] = try await store.write { tx in
            try pending.compactMap { stored in
                try self.writeNotification(tx, .consultReminder, key: key(stored), patientID: stored.patientKey,
                                           recipients: ["Patient/\(stored.patientKey)"], about: [key(stored)], text: text, now: now)
            }
        }
        didWrite(written)
        return written.count
    }
}
