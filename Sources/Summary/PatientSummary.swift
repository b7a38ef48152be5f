import FHIRCore
import Foundation
import Store

/// A patient summary built for one actor: the patient, each section's entries as that actor may see them, and
/// whether the access rules may have kept something back. Rendered as an IPS document Bundle
/// (``documentBundle(id:baseURL:)``) or a printable HTML page (``SummaryPage``).
public struct PatientSummary: Sendable {
    /// The Patient.
    public var patient: StoredResource
    /// Its content.
    public var patientResource: JSON
    /// The sections, in the summary's order.
    public var sections: [SummarySectionContent]
    /// Whether the access rules may keep part of this record from the actor (said without counts or identifiers).
    public var mayBeWithheld: Bool
    /// When it was built.
    public var generated: Date

    /// Every stored version the summary shows (the patient first), for the audit record.
    public var shown: [StoredResource] {
        var seen = Set<String>()
        return ([patient] + sections.flatMap { $0.entries.map(\.stored) }).filter { seen.insert("\($0.type)/\($0.id)").inserted }
    }

    /// The sentence said when something may be withheld.
    public static let withheldNotice = "Some information may have been withheld from you under the access rules of the shared record (the patient's choices or your profession's rights)."

    /// The patient's name as people read it.
    public var patientName: String {
        guard let name = patientResource["name"]?[0] else { return "Unnamed patient" }
        if let text = name["text"]?.stringValue, !text.isEmpty { return text }
        let given = (name["given"]?.arrayValue ?? []).compactMap(\.stringValue)
        let parts = (name["prefix"]?.arrayValue ?? []).compactMap(\.stringValue) + given + [name["family"]?.stringValue].compactMap { $0 }
        return parts.isEmpty ? "Unnamed patient" : parts.joined(separator: " ")
    }

    /// The patient's identifiers as `system value` lines.
    public var patientIdentifiers: [String] {
        (patientResource["identifier"]?.arrayValue ?? []).compactMap { identifier in
            guard let value = identifier["value"]?.stringValue else { return nil }
            let label = SummaryText.concept(identifier["type"]) ?? identifier["system"]?.stringValue ?? "Identifier"
            return "\(label): \(value)"
        }
    }
}
