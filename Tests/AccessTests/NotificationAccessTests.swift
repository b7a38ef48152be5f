import Access
import FHIRCore
import Foundation
import Testing

/// Built-in notifications: read by their recipients (and the operator) only, whatever their access to the record;
/// written by nobody but the operator (and the server, which does not ask the policy).
@Suite struct NotificationAccessTests {
    static func notification(_ recipients: ActorReference...) -> ResourceAccessMetadata {
        var metadata = ResourceAccessMetadata(resourceType: "Communication", id: "n1")
        metadata.notificationRecipients = recipients
        return metadata
    }

    @Test func recipientReadsANotificationWithoutAccessToTheRecord() {
        let officer = Fx.pro("po", role: "r-po", org: "o1", .privacyOfficer)
        #expect(Fx.decide(officer, .read, Fx.record(), Self.notification(.practitionerRole("r-po"))) == .permit(.recipient))
        #expect(Fx.decide(officer, .read, Fx.record(), Fx.document()).denial == .notFound)
    }

    @Test func nobodyButTheRecipientsAndTheOperatorReadsANotification() {
        let toGP = Self.notification(.practitioner("gp"))
        #expect(Fx.decide(Fx.pro("gp"), .read, Fx.record(), toGP) == .permit(.recipient))
        // The patient reads the record, not the GP's notifications; a doctor with GP rights neither.
        #expect(Fx.decide(Fx.patient, .read, Fx.record(), toGP).denial == .notFound)
        #expect(Fx.decide(Fx.pro("pr1"), .read, Fx.record(gp: [.practitioner("pr1")]), toGP).denial == .notFound)
        #expect(Fx.decide(.administrator, .read, Fx.record(), toGP) == .permit(.administrator))
        let toPatient = Self.notification(.patient("pa1"))
        #expect(Fx.decide(Fx.patient, .read, Fx.record(), toPatient) == .permit(.patient))
        #expect(Fx.decide(Fx.parent, .read, Fx.record(), toPatient) == .permit(.representative))
    }

    @Test func nobodyButTheOperatorWritesANotification() {
        let toGP = Self.notification(.practitioner("gp"), .patient("pa1"))
        for actor in [Fx.patient, Fx.pro("gp"), Fx.parent] {
            for action in [AccessAction.create, .update, .delete] {
                #expect(Fx.decide(actor, action, Fx.record(), toGP) == .deny(.forbidden, .serverNotification))
            }
        }
        #expect(Fx.decide(.administrator, .create, Fx.record(), toGP) == .permit(.administrator))
    }

    @Test func communicationsInTheNotificationCategoryCarryTheirRecipients() throws {
        let json = try JSON.parse(Array(#"{"resourceType":"Communication","category":[{"coding":[{"system":"https://dossier.health/CodeSystem/notification","code":"new-document"}]}],"subject":{"reference":"Patient/pa1"},"recipient":[{"reference":"Practitioner/gp"},{"reference":"PractitionerRole/r1"}]}"#.utf8))
        #expect(ResourceAccessMetadata.extract(from: json).notificationRecipients == [.practitioner("gp"), .practitionerRole("r1")])
        let ordinary = try JSON.parse(Array(#"{"resourceType":"Communication","recipient":[{"reference":"Practitioner/gp"}]}"#.utf8))
        #expect(ResourceAccessMetadata.extract(from: ordinary).notificationRecipients == nil)
    }
}
