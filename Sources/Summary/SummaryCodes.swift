/// The code systems and codes the patient summary writes or recognises.
public enum SummaryCodes {
    /// LOINC.
    public static let loinc = "http://loinc.org"
    /// SNOMED CT.
    public static let snomed = "http://snomed.info/sct"
    /// FHIR's observation categories (`laboratory`, `vital-signs`).
    public static let observationCategory = "http://terminology.hl7.org/CodeSystem/observation-category"
    /// `Composition.section.emptyReason` codes (`nilknown`, `unavailable`, `withheld`...).
    public static let emptyReason = "http://terminology.hl7.org/CodeSystem/list-empty-reason"
    /// The IPS code system for absent and unknown data (`no-known-allergies`, `no-allergy-info`...).
    public static let ipsAbsentUnknown = "http://hl7.org/fhir/uv/ips/CodeSystem/absent-unknown-uv-ips"
    /// The LOINC code of a patient summary document.
    public static let patientSummaryDocument = "60591-5"
    /// The IPS Composition profile.
    public static let compositionProfile = "http://hl7.org/fhir/uv/ips/StructureDefinition/Composition-uv-ips"
    /// The IPS Bundle profile.
    public static let bundleProfile = "http://hl7.org/fhir/uv/ips/StructureDefinition/Bundle-uv-ips"

    /// Codes by which a record states positively that the patient has none of a section's items: an
    /// AllergyIntolerance coded "no known allergy" is what lets the summary say "no known allergies" (and not
    /// merely "no information").
    static let noneKnown: [SummarySection.Kind: Set<String>] = [
        .allergies: [
            "\(snomed)|716186003",  // No known allergy
            "\(snomed)|409137002",  // No known drug allergy
            "\(snomed)|428607008",  // No known environmental allergy
            "\(snomed)|429625007",  // No known food allergy
            "\(ipsAbsentUnknown)|no-known-allergies",
            "\(ipsAbsentUnknown)|no-known-medication-allergies",
            "\(ipsAbsentUnknown)|no-known-food-allergies",
            "\(ipsAbsentUnknown)|no-known-environmental-allergies",
        ],
        .medications: ["\(ipsAbsentUnknown)|no-known-medications", "\(snomed)|787481004"],
        .problems: ["\(ipsAbsentUnknown)|no-known-problems", "\(snomed)|160245001"],
        .procedures: ["\(ipsAbsentUnknown)|no-known-procedures"],
        .immunizations: ["\(ipsAbsentUnknown)|no-known-immunizations"],
    ]
}
