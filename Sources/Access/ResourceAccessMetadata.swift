#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What the access rules need to know about one resource of a patient's record. Read from the resource by
/// ``extract(from:)``; stored beside it by the layer that owns storage, so that a decision never parses JSON.
public struct ResourceAccessMetadata: Sendable, Hashable {
    /// The FHIR resource type (`DocumentReference`).
    public var resourceType: String
    /// The logical id, when known.
    public var id: String?
    /// The codes the matrix matches: a document's type and class/category (DocumentReference, Composition), a
    /// DiagnosticReport's code and category, any other resource's category.
    public var codes: [SystemCode]
    /// The DMP visibility labels.
    public var labels: VisibilityLabels
    /// The most restrictive confidentiality code found, if any (carried, not used by the rules).
    public var confidentiality: Confidentiality?
    /// Who wrote it (document authors, recorders, performers, requesters).
    public var authors: [ActorReference]
    /// The document date (`DocumentReference.date`, `Composition.date`, `DiagnosticReport.issued`...): the start
    /// of the one-month delay of `INVISIBLE_PATIENT`.
    public var documentDate: Date? {
        didSet { patientVisibleFrom = documentDate.map(UTCMonth.oneMonthAfter) }
    }
    /// Whether the patient (or their representative) added it: tagged `record-origin#patient-added`, or authored
    /// by a Patient or RelatedPerson.
    public var addedByPatient: Bool
    /// For a `Consent`, its decision; nil for other resources and for a Consent that does not parse.
    public var consent: ConsentDecision?
    /// For a built-in notification (a `Communication` whose category is in
    /// ``SystemCode/Systems/dossierNotification``), its recipients: the only actors, besides the operator, who
    /// read it. nil for every other resource.
    public var notificationRecipients: [ActorReference]?
    /// The first instant at which an `INVISIBLE_PATIENT` resource becomes visible to the patient: one calendar month
    /// after ``documentDate``, same UTC time of day, the day clamped to the month's length (Jan 31 -> Feb 28/29).
    /// nil without a date: then only the author's removing the label shows it.
    public private(set) var patientVisibleFrom: Date?

    /// Metadata given field by field (tests, storage).
    public init(resourceType: String, id: String? = nil, codes: [SystemCode] = [], labels: VisibilityLabels = [],
                confidentiality: Confidentiality? = nil, authors: [ActorReference] = [], documentDate: Date? = nil,
                addedByPatient: Bool = false, consent: ConsentDecision? = nil) {
        self.resourceType = resourceType
        self.id = id
        self.codes = codes
        self.labels = labels
        self.confidentiality = confidentiality
        self.authors = authors
        self.documentDate = documentDate
        self.addedByPatient = addedByPatient
        self.consent = consent
        self.patientVisibleFrom = documentDate.map(UTCMonth.oneMonthAfter)
    }
}
