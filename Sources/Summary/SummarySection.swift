import FHIRCore
import Store

/// One section of the International Patient Summary: its IPS LOINC code, title, the resources it lists and how
/// each becomes a line of the section's narrative table.
///
/// The order of ``Kind/allCases`` is the order of the summary (DOMAIN.md: current medications and allergies first).
public struct SummarySection: Sendable, Hashable {
    /// The sections, in the summary's order.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case medications, allergies, problems, immunizations, results, procedures
    }

    /// Which section.
    public var kind: Kind
    /// The section's LOINC code (IPS).
    public var code: String
    /// The LOINC display of ``code``.
    public var codeDisplay: String
    /// The heading shown to people.
    public var title: String
    /// The column headings of the narrative table.
    public var columns: [String]
    /// The resource types the section lists.
    public var resourceTypes: [String]

    /// The definition of a section.
    public static func of(_ kind: Kind) -> SummarySection {
        switch kind {
        case .medications:
            SummarySection(kind: kind, code: "10160-0", codeDisplay: "History of Medication use Narrative", title: "Current medications",
                           columns: ["Medication", "Status", "Dosage", "Since"], resourceTypes: ["MedicationStatement", "MedicationRequest"])
        case .allergies:
            SummarySection(kind: kind, code: "48765-2", codeDisplay: "Allergies and adverse reactions Document", title: "Allergies and intolerances",
                           columns: ["Substance", "Criticality", "Reaction", "Status", "Since"], resourceTypes: ["AllergyIntolerance"])
        case .problems:
            SummarySection(kind: kind, code: "11450-4", codeDisplay: "Problem list - Reported", title: "Problems",
                           columns: ["Problem", "Status", "Since"], resourceTypes: ["Condition"])
        case .immunizations:
            SummarySection(kind: kind, code: "11369-6", codeDisplay: "History of Immunization Narrative", title: "Immunisations",
                           columns: ["Vaccine", "Date"], resourceTypes: ["Immunization"])
        case .results:
            SummarySection(kind: kind, code: "30954-2", codeDisplay: "Relevant diagnostic tests/laboratory data Narrative", title: "Recent results",
                           columns: ["Test", "Result", "Date"], resourceTypes: ["Observation"])
        case .procedures:
            SummarySection(kind: kind, code: "47519-4", codeDisplay: "History of Procedures Document", title: "Procedures",
                           columns: ["Procedure", "Date"], resourceTypes: ["Procedure"])
        }
    }

    /// The store queries that find the section's resources for a patient (before the actor's restriction is added).
    /// `recent` bounds the sections that keep only the latest entries (results, immunisations, procedures).
    func queries(patientID: String, recent: Int) -> [SearchQuery] {
        // The reference to the patient drives each query through the reference index: only this patient's rows.
        let patient = SearchCondition.reference("patient", "Patient", patientID)
        let newestFirst = [SortKey(.param("date", .date), descending: true)]
        switch kind {
        case .medications:
            return [
                SearchQuery(type: "MedicationStatement", condition: .all([patient, .token("status", ["active", "intended", "on-hold"])])),
                SearchQuery(type: "MedicationRequest", condition: .all([patient, .token("status", ["active", "on-hold"])])),
            ]
        case .allergies:
            return [SearchQuery(type: "AllergyIntolerance", condition: patient)]
        case .problems:
            return [SearchQuery(type: "Condition", condition: .all([patient, .token("clinical-status", ["active", "recurrence", "relapse"])]))]
        case .immunizations:
            return [SearchQuery(type: "Immunization", condition: .all([patient, .token("status", ["completed"])]), sort: newestFirst, limit: recent)]
        case .results:
            let categories = SearchCondition.token("category", system: SummaryCodes.observationCategory, ["laboratory", "vital-signs"])
            return [SearchQuery(type: "Observation", condition: .all([patient, categories, .token("status", ["final", "amended", "corrected"])]),
                                sort: newestFirst, limit: recent)]
        case .procedures:
            return [SearchQuery(type: "Procedure", condition: .all([patient, .token("status", ["completed"])]), sort: newestFirst, limit: recent)]
        }
    }

    /// Whether a found resource belongs in the section (what the queries cannot say: allergies still current,
    /// nothing entered in error or refuted).
    func includes(_ resource: JSON) -> Bool {
        let verification = SummaryText.code(resource["verificationStatus"])
        if verification == "entered-in-error" || verification == "refuted" { return false }
        switch kind {
        case .allergies:
            let clinical = SummaryText.code(resource["clinicalStatus"])
            return clinical != "inactive" && clinical != "resolved"
        default:
            return true
        }
    }
}
