import FHIRCore
import Foundation

extension PatientSummary {
    /// The summary as an IPS document Bundle: `type` `document`, an `identifier`, a `timestamp`, the `Composition`
    /// first (LOINC 60591-5, one section per ``SummarySection`` with its IPS LOINC code, an XHTML narrative, its
    /// entries or an `emptyReason`), then the Patient and every entry once. `id` names the Bundle and, as a
    /// `urn:uuid:`, the document.
    public func documentBundle(id: String, baseURL: String) -> JSON {
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        let stamp = FHIRInstant.format(generated)
        let compositionURL = "urn:uuid:\(UUID().uuidString.lowercased())"
        var compositionSections: [JSON] = []
        for content in sections {
            let section = content.section
            var object: JSONObject = [
                "title": .string(section.title),
                "code": ["coding": [["system": .string(SummaryCodes.loinc), "code": .string(section.code), "display": .string(section.codeDisplay)]]],
                "text": ["status": "generated", "div": .string(SummaryNarrative.section(content))],
            ]
            if !content.entries.isEmpty {
                object["entry"] = .array(content.entries.map { ["reference": .string($0.reference)] })
            } else if let reason = content.emptyReason {
                let display = reason == .withheld ? "Information Withheld" : "Unavailable"
                object["emptyReason"] = ["coding": [["system": .string(SummaryCodes.emptyReason), "code": .string(reason.rawValue),
                                                     "display": .string(display)]],
                                         "text": .string(content.emptyText ?? display)]
            }
            compositionSections.append(.object(object))
        }
        let patientReference = "Patient/\(patient.id)"
        let composition: JSONObject = [
            "resourceType": "Composition",
            "meta": ["profile": [.string(SummaryCodes.compositionProfile)]],
            "text": ["status": "generated", "div": .string(SummaryNarrative.composition(self))],
            "status": "final",
            "type": ["coding": [["system": .string(SummaryCodes.loinc), "code": .string(SummaryCodes.patientSummaryDocument),
                                 "display": "Patient summary Document"]]],
            "subject": ["reference": .string(patientReference), "display": .string(patientName)],
            "date": .string(stamp),
            "author": [["display": "Dossier shared health record (generated)"]],
            "title": .string("Patient summary of \(patientName)"),
            "section": .array(compositionSections),
        ]
        var entries: [JSON] = [["fullUrl": .string(compositionURL), "resource": .object(composition)],
                               ["fullUrl": .string("\(base)/Patient/\(patient.id)"), "resource": patientResource]]
        var listed: Set<String> = [patientReference]
        for entry in sections.flatMap(\.entries) where listed.insert(entry.reference).inserted {
            entries.append(["fullUrl": .string("\(base)/\(entry.reference)"), "resource": entry.resource])
        }
        return [
            "resourceType": "Bundle",
            "id": .string(id),
            "meta": ["profile": [.string(SummaryCodes.bundleProfile)]],
            "identifier": ["system": "urn:ietf:rfc:3986", "value": .string("urn:uuid:\(id)")],
            "type": "document",
            "timestamp": .string(stamp),
            "entry": .array(entries),
        ]
    }
}
