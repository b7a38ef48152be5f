import FHIRCore
import Store

/// One resource listed in a section of the summary, with the line it shows in the section's table.
public struct SummaryEntry: Sendable, Hashable {
    /// The stored version listed.
    public var stored: StoredResource
    /// Its content.
    public var resource: JSON
    /// The cells of its line, one per ``SummarySection/columns``.
    public var cells: [String]
    /// Whether it states that the patient has none of the section's items ("no known allergy").
    public var statesNoneKnown: Bool

    /// `Type/id`.
    public var reference: String { "\(stored.type)/\(stored.id)" }

    /// The line of `resource` in a section of kind `kind`.
    init(stored: StoredResource, resource: JSON, kind: SummarySection.Kind) {
        self.stored = stored
        self.resource = resource
        let text = SummaryText.self
        let codeTokens = text.tokens(resource["code"]) + text.tokens(resource["medicationCodeableConcept"])
        statesNoneKnown = !(SummaryCodes.noneKnown[kind] ?? []).isDisjoint(with: codeTokens)
        switch kind {
        case .medications:
            cells = [text.medication(resource), resource["status"]?.stringValue ?? "", text.dosage(resource),
                     text.date(resource, ["effectiveDateTime", "effectivePeriod", "authoredOn", "dateAsserted"])]
        case .allergies:
            let reactions = (resource["reaction"]?.arrayValue ?? []).flatMap { reaction in
                (reaction["manifestation"]?.arrayValue ?? []).compactMap { text.concept($0) }
            }
            cells = [text.concept(resource["code"]) ?? "Unnamed substance", resource["criticality"]?.stringValue ?? "",
                     reactions.joined(separator: ", "), text.concept(resource["clinicalStatus"]) ?? "",
                     text.date(resource, ["onsetDateTime", "onsetPeriod", "recordedDate"])]
        case .problems:
            cells = [text.concept(resource["code"]) ?? "Unnamed problem", text.concept(resource["clinicalStatus"]) ?? "",
                     text.date(resource, ["onsetDateTime", "onsetPeriod", "recordedDate"])]
        case .immunizations:
            cells = [text.concept(resource["vaccineCode"]) ?? "Unnamed vaccine", text.date(resource, ["occurrenceDateTime", "recorded"])]
        case .results:
            cells = [text.concept(resource["code"]) ?? "Unnamed test", text.observationValue(resource),
                     text.date(resource, ["effectiveDateTime", "effectivePeriod", "issued"])]
        case .procedures:
            cells = [text.concept(resource["code"]) ?? "Unnamed procedure", text.date(resource, ["performedDateTime", "performedPeriod"])]
        }
    }
}
