import Access
import FHIRCore
import Foundation
import Store

/// What the access rules read about a set of patients (``Access/PatientAccessContext``), as five store queries
/// whatever the number of patients, and the assembly of their results. Run by the async store (requests) and by a
/// store transaction (writes) alike.
struct PatientContextQueries {
    /// The patients.
    let patientIDs: [String]

    /// The statuses of an Encounter that make a care relationship (RULES-API.md).
    static let openEncounterStatuses = ["in-progress", "arrived", "triaged", "onleave"]

    /// The queries, in the order ``assemble(_:)`` expects their results.
    var queries: [SearchQuery] {
        let records = SearchCondition.patientRecord(patientIDs)
        let limit = Int(Int32.max)
        return [
            SearchQuery(type: "Patient", condition: .ids(patientIDs), limit: limit),
            SearchQuery(type: "Consent", condition: records, limit: limit),
            SearchQuery(type: "Encounter", condition: .all([records, .token("status", Self.openEncounterStatuses)]), limit: limit),
            SearchQuery(type: "EpisodeOfCare", condition: .all([records, .token("status", ["active"])]), limit: limit),
            SearchQuery(type: "Basic", condition: .all([records, EmergencyAccessRecord.condition]), limit: limit),
        ]
    }

    /// The contexts of the patients from the results of ``queries`` (a patient with no stored Patient resource
    /// gets an empty context).
    func assemble(_ results: [[StoredResource]]) -> [String: PatientAccessContext] {
        var contexts: [String: PatientAccessContext] = [:]
        for id in patientIDs { contexts[id] = PatientAccessContext(patientID: id) }
        func each(_ index: Int, _ body: (String, JSON) -> Void) {
            guard index < results.count else { return }
            for stored in results[index] where !stored.isDeleted {
                guard contexts[stored.patientKey] != nil, let json = try? JSON.parse(stored.content) else { continue }
                body(stored.patientKey, json)
            }
        }
        each(0) { key, patient in
            contexts[key]?.generalPractitioners = (patient["generalPractitioner"]?.arrayValue ?? []).compactMap {
                $0["reference"]?.stringValue.flatMap(ActorReference.init(reference:))
            }.filter { if case .practitioner = $0 { true } else if case .practitionerRole = $0 { true } else { false } }
            contexts[key]?.isClosed = patient["active"]?.boolValue == false
        }
        each(1) { key, consent in
            if var decision = ResourceAccessMetadata.extract(from: consent).consent {
                decision.consentID = consent["id"]?.stringValue
                contexts[key]?.consents.append(decision)
            }
        }
        each(2) { key, encounter in
            if let org = Self.organizationID(encounter["serviceProvider"]) { contexts[key]?.careRelationshipOrganizationIDs.append(org) }
        }
        each(3) { key, episode in
            if let org = Self.organizationID(episode["managingOrganization"]) { contexts[key]?.careRelationshipOrganizationIDs.append(org) }
        }
        each(4) { key, basic in
            if let grant = EmergencyAccessRecord.grant(basic) { contexts[key]?.emergencyGrants.append(grant) }
        }
        return contexts
    }

    static func organizationID(_ reference: JSON?) -> String? {
        guard let text = reference?["reference"]?.stringValue, case .organization(let id)? = ActorReference(reference: text) else { return nil }
        return id
    }
}
