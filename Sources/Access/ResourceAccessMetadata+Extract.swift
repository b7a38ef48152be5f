import FHIRCore

extension ResourceAccessMetadata {
    /// Reads the access metadata of a resource. Never throws: what is missing or malformed is simply absent, which
    /// the rules read in the cautious direction (no date: `INVISIBLE_PATIENT` stays until removed; no codes: only a
    /// profession that reads every code of that type sees it; an unparseable Consent: professionals don't see it).
    ///
    /// Labels are read from `meta.security` and, for DocumentReference, also from `securityLabel`: a label found in
    /// either place applies.
    public static func extract(from resource: JSON) -> ResourceAccessMetadata {
        let type = resource["resourceType"]?.stringValue ?? ""
        var metadata = ResourceAccessMetadata(resourceType: type, id: resource["id"]?.stringValue)

        var securityCodings = (resource["meta"]?["security"]?.arrayValue ?? []).map(ConsentParser.coding)
        if type == "DocumentReference" {
            securityCodings += (resource["securityLabel"]?.arrayValue ?? []).flatMap { ConsentParser.codings(of: $0) }
        }
        for coding in securityCodings {
            if coding.system == SystemCode.Systems.dmpVisibility, let label = VisibilityLabel(rawValue: coding.code) {
                metadata.labels.insert(label.option)
            } else if coding.system == SystemCode.Systems.confidentiality,
                      let level = Confidentiality(rawValue: coding.code) {
                metadata.confidentiality = max(metadata.confidentiality ?? level, level)
            }
        }

        let primaryCode: String? = switch type {
        case "DocumentReference", "Composition": "type"
        case "DiagnosticReport": "code"
        default: nil
        }
        if let primaryCode { metadata.codes += ConsentParser.codings(of: resource[primaryCode]) }
        switch resource["category"] {
        case .array(let concepts)?: metadata.codes += concepts.flatMap { ConsentParser.codings(of: $0) }
        case let concept?: metadata.codes += ConsentParser.codings(of: concept)
        case nil: break
        }

        for path in authorPaths[type] ?? ["author", "recorder"] {
            metadata.authors += references(at: path, in: resource)
        }

        for element in datePaths[type] ?? ["date"] {
            if let text = resource[element]?.stringValue, let date = FHIRDateTime(text) {
                metadata.documentDate = date.lowerBound
                break
            }
        }

        let patientAdded = SystemCode(SystemCode.Systems.dossierRecordOrigin, "patient-added")
        metadata.addedByPatient = (resource["meta"]?["tag"]?.arrayValue ?? []).contains { ConsentParser.coding($0) == patientAdded }
            || metadata.authors.contains { if case .patient = $0 { true } else if case .relatedPerson = $0 { true } else { false } }

        if type == "Consent" { metadata.consent = try? ConsentParser.parse(resource).decision }
        if type == "Communication", (resource["category"]?.arrayValue ?? []).contains(where: { concept in
            ConsentParser.codings(of: concept).contains { $0.system == SystemCode.Systems.dossierNotification }
        }) {
            metadata.notificationRecipients = references(at: "recipient", in: resource)
        }
        return metadata
    }

    /// Where each type records who wrote it (`a.b` goes through arrays).
    private static let authorPaths: [String: [String]] = [
        "DocumentReference": ["author"],
        "Composition": ["author"],
        "DiagnosticReport": ["performer", "resultsInterpreter"],
        "Observation": ["performer"],
        "Condition": ["recorder", "asserter"],
        "AllergyIntolerance": ["recorder", "asserter"],
        "MedicationRequest": ["requester", "recorder"],
        "MedicationStatement": ["informationSource"],
        "MedicationDispense": ["performer.actor"],
        "MedicationAdministration": ["performer.actor"],
        "Immunization": ["performer.actor"],
        "Procedure": ["recorder", "asserter", "performer.actor"],
        "CarePlan": ["author"],
        "ServiceRequest": ["requester"],
    ]

    /// Which element gives the document date of each type (first one present).
    private static let datePaths: [String: [String]] = [
        "DocumentReference": ["date"],
        "Composition": ["date"],
        "DiagnosticReport": ["issued", "effectiveDateTime"],
        "Observation": ["issued", "effectiveDateTime"],
    ]

    private static func references(at path: String, in resource: JSON) -> [ActorReference] {
        var values = [resource]
        for step in path.split(separator: ".") {
            values = values.flatMap { value -> [JSON] in
                switch value[String(step)] {
                case .array(let items)?: items
                case let item?: [item]
                case nil: []
                }
            }
        }
        return values.compactMap { $0["reference"]?.stringValue.flatMap(ActorReference.init(reference:)) }
    }
}
