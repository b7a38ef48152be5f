#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Store

/// The access metadata of a resource (``ResourceAccessMetadata``) as index entries, written beside the search
/// entries of every version, so that the rules can be compiled into store queries (``AccessFilter``) instead of
/// being applied to results afterwards.
///
/// The parameters are internal: their names start with `_access-`, which no SearchParameter may use, so the
/// search parser never accepts them from a client (they are unknown parameters there).
/// Both the filter and ``AccessPolicy`` read the same ``ResourceAccessMetadata``, which is what keeps them in
/// agreement (the leak test checks it).
public enum AccessIndex {
    /// DMP visibility labels: token `urn:oid:1.2.250.1.213.1.1.4.13|MASQUE_PS`...
    public static let label = "_access-label"
    /// The codes the authorisation matrix reads (document type and class, categories): token `system|code`.
    public static let code = "_access-code"
    /// Who wrote the resource: reference `Practitioner/…`, `PractitionerRole/…`, `Organization/…`...
    public static let author = "_access-author"
    /// For a Consent, its decision: token `https://dossier.health/CodeSystem/access-index|authorise` (or
    /// `gp-equivalent`, `block`, `object-to-emergency-access`).
    public static let consent = "_access-consent"
    /// For a blocking Consent, the blocked Practitioners: reference `Practitioner/…`.
    public static let blocks = "_access-blocks"
    /// For an `INVISIBLE_PATIENT` resource with a document date, when it becomes visible to the patient (a date
    /// range of one instant).
    public static let visibleFrom = "_access-visible-from"
    /// For an `INVISIBLE_PATIENT` resource with a document date, when the patient is to be told to consult: two
    /// weeks after the date (rule 1).
    public static let announcementDue = "_access-announcement-due"

    /// For a built-in notification, the marker token `https://dossier.health/CodeSystem/access-index|notification`.
    public static let notification = "_access-notification"
    /// For a built-in notification, its recipients: references `Practitioner/…`, `PractitionerRole/…`, `Patient/…`.
    public static let recipient = "_access-recipient"

    /// How long after its date a result awaiting its announcement prompts the patient to consult.
    public static let announcementDelay: TimeInterval = 14 * 86_400

    /// The code system of ``consent`` values.
    public static let consentSystem = "https://dossier.health/CodeSystem/access-index"

    /// Whether `name` is one of these internal parameters.
    public static func isInternal(_ name: String) -> Bool { name.hasPrefix("_access-") }

    /// The entries of one resource's metadata.
    public static func entries(for metadata: ResourceAccessMetadata) -> [IndexEntry] {
        var entries: [IndexEntry] = []
        for label in VisibilityLabel.allCases where metadata.labels.contains(label.option) {
            entries.append(IndexEntry(param: Self.label, value: .token(system: SystemCode.Systems.dmpVisibility, code: label.rawValue)))
        }
        var codes = Set<SystemCode>()
        for code in metadata.codes where codes.insert(code).inserted {
            entries.append(IndexEntry(param: Self.code, value: .token(system: code.system, code: code.code)))
        }
        var authors = Set<ActorReference>()
        for author in metadata.authors where authors.insert(author).inserted {
            entries.append(IndexEntry(param: Self.author, value: .reference(reference(author))))
        }
        if let decision = metadata.consent {
            entries.append(IndexEntry(param: consent, value: .token(system: consentSystem, code: consentCode(decision.kind))))
            if case .block(let ids) = decision.kind {
                for id in Set(ids).sorted() {
                    entries.append(IndexEntry(param: blocks, value: .reference(.local("Practitioner", id))))
                }
            }
        }
        if let recipients = metadata.notificationRecipients {
            entries.append(IndexEntry(param: notification, value: .token(system: consentSystem, code: "notification")))
            for recipient in Set(recipients).sorted(by: { $0.reference < $1.reference }) {
                entries.append(IndexEntry(param: Self.recipient, value: .reference(reference(recipient))))
            }
        }
        if metadata.labels.contains(.invisibleToPatient), let from = metadata.patientVisibleFrom, let date = metadata.documentDate {
            entries.append(IndexEntry(param: visibleFrom, value: .date(instant(from))))
            entries.append(IndexEntry(param: announcementDue, value: .date(instant(date.addingTimeInterval(announcementDelay)))))
        }
        return entries
    }

    /// A date range of one instant, in microseconds.
    public static func instant(_ date: Date) -> DateRange {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded(.down))
        return DateRange(low: micros, high: micros)
    }

    /// The condition "carries this visibility label".
    public static func condition(_ label: VisibilityLabel) -> SearchCondition {
        .token(Self.label, system: SystemCode.Systems.dmpVisibility, [label.rawValue])
    }

    /// The condition "is a built-in notification".
    public static var isNotification: SearchCondition { .token(notification, system: consentSystem, ["notification"]) }

    /// The condition "is addressed to one of these actors".
    public static func addressed(to actors: [ActorReference]) -> SearchCondition {
        let matches = actors.map { actor -> SearchCondition in
            let value = reference(actor)
            return .match(param: recipient, .reference(.local(type: value.type, id: value.id ?? "")))
        }
        return matches.count == 1 ? matches[0] : .any(matches)
    }

    /// The condition "is a Consent of this kind".
    public static func condition(_ kind: ConsentDecision.Kind) -> SearchCondition {
        .token(consent, system: consentSystem, [consentCode(kind)])
    }

    /// The ``consent`` code of a decision.
    public static func consentCode(_ kind: ConsentDecision.Kind) -> String {
        switch kind {
        case .authorise: "authorise"
        case .gpEquivalent: "gp-equivalent"
        case .block: "block"
        case .objectToEmergencyAccess: "object-to-emergency-access"
        }
    }

    /// The index reference of an actor.
    public static func reference(_ actor: ActorReference) -> ReferenceValue {
        switch actor {
        case .practitioner(let id): .local("Practitioner", id)
        case .practitionerRole(let id): .local("PractitionerRole", id)
        case .careTeam(let id): .local("CareTeam", id)
        case .organization(let id): .local("Organization", id)
        case .patient(let id): .local("Patient", id)
        case .relatedPerson(let id): .local("RelatedPerson", id)
        }
    }
}
