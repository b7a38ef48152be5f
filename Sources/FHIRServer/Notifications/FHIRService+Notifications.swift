import Access
import FHIRCore
import Foundation
import Store

/// The triggers of the built-in notifications that follow a client's write, run inside the write's own store
/// transaction (so a committed write never misses its notification, and a rolled-back one sends none).
extension FHIRService {
    /// Writes the notifications a newly written version calls for: a new current DocumentReference tells the
    /// patient's GP; a Consent that newly authorises professionals tells the patient and those professionals.
    /// Idempotent (deterministic ids): a retried write or a re-import notifies once.
    func notifyAfterWrite(_ tx: any StoreTransaction, _ stored: StoredResource, previous: StoredResource?, now: Date) throws {
        guard configuration.notifications, !stored.patientKey.isEmpty else { return }
        switch stored.type {
        case "DocumentReference": try notifyNewDocument(tx, stored, previous: previous, now: now)
        case "Consent": try notifyAuthorisation(tx, stored, previous: previous, now: now)
        default: return
        }
    }

    /// Trigger 1: a DocumentReference that is now `current` (and was not before) → the patient's GPs, except a GP
    /// who wrote it or whom the patient blocked.
    private func notifyNewDocument(_ tx: any StoreTransaction, _ stored: StoredResource, previous: StoredResource?, now: Date) throws {
        let json = try JSON.parse(stored.content)
        guard json["status"]?.stringValue == "current" else { return }
        if let previous, !previous.isDeleted, (try? JSON.parse(previous.content))?["status"]?.stringValue == "current" { return }
        let patientID = stored.patientKey
        guard let patient = try tx.read(type: "Patient", id: patientID), !patient.isDeleted else { return }
        let patientJSON = try JSON.parse(patient.content)
        let authors = Set((json["author"]?.arrayValue ?? []).compactMap { $0["reference"]?.stringValue })
        var recipients: [String] = []
        for gp in patientJSON["generalPractitioner"]?.arrayValue ?? [] {
            guard let reference = gp["reference"]?.stringValue, let actor = ActorReference(reference: reference), !authors.contains(reference) else { continue }
            switch actor {
            case .practitioner(let id): if try isBlocked(tx, patientID: patientID, practitionerID: id, now: now) { continue }
            case .practitionerRole: break
            default: continue
            }
            recipients.append(reference)
        }
        guard !recipients.isEmpty else { return }
        let coding = json["type"]?["coding"]?[0]
        let type = json["type"]?["text"]?.stringValue ?? coding?["display"]?.stringValue ?? coding?["code"]?.stringValue ?? "document"
        let date = json["date"]?.stringValue.map { " dated \(String($0.prefix(10)))" } ?? ""
        let text = "A new document (\(type))\(date) was added to the shared record of your patient Patient/\(patientID)."
        let about = "DocumentReference/\(stored.id)"
        try writeNotification(tx, .newDocument, key: about, patientID: patientID, recipients: recipients, about: [about], text: text, now: now)
    }

    /// Trigger 4: a Consent in force that authorises (or gives GP-equivalent rights to) professionals it did not
    /// authorise before → the patient and each newly authorised Practitioner or PractitionerRole.
    private func notifyAuthorisation(_ tx: any StoreTransaction, _ stored: StoredResource, previous: StoredResource?, now: Date) throws {
        let newActors = Self.authorisedActors(stored, now: now)
        guard !newActors.isEmpty else { return }
        let before = previous.map { Self.authorisedActors($0, now: now) } ?? []
        let added = newActors.filter { !before.contains($0) }
        guard !added.isEmpty else { return }
        let patientID = stored.patientKey
        let people = added.filter { if case .practitioner = $0 { true } else if case .practitionerRole = $0 { true } else { false } }
        let names = added.map(\.reference).joined(separator: ", ")
        let text = "Patient/\(patientID) authorised \(names) to read their shared health record."
        let key = "Consent/\(stored.id)|" + added.map(\.reference).sorted().joined(separator: ",")
        try writeNotification(tx, .professionalAuthorised, key: key, patientID: patientID,
                              recipients: ["Patient/\(patientID)"] + people.map(\.reference), about: ["Consent/\(stored.id)"], text: text, now: now)
    }

    /// The actors a stored Consent authorises now (authorisation or GP-equivalent, in force); empty otherwise.
    private static func authorisedActors(_ stored: StoredResource, now: Date) -> [ActorReference] {
        guard !stored.isDeleted, let json = try? JSON.parse(stored.content),
              let decision = ResourceAccessMetadata.extract(from: json).consent, decision.isInForce(at: now) else { return [] }
        switch decision.kind {
        case .authorise(let actors), .gpEquivalent(let actors): return actors
        default: return []
        }
    }

    /// Whether the patient blocks this practitioner now.
    private func isBlocked(_ tx: any StoreTransaction, patientID: String, practitionerID: String, now: Date) throws -> Bool {
        let blocks = try tx.search(SearchQuery(type: "Consent", condition: .all([
            .patientRecord([patientID]), AccessIndex.condition(.block(practitionerIDs: [])),
            .match(param: AccessIndex.blocks, .reference(.local(type: "Practitioner", id: practitionerID))),
        ]), limit: 100))
        return blocks.contains { stored in
            (try? JSON.parse(stored.content)).flatMap { ResourceAccessMetadata.extract(from: $0).consent }?.isInForce(at: now) == true
        }
    }

    /// Writes one notification unless it was already written (its id is derived from `kind` and `key`).
    @discardableResult
    func writeNotification(_ tx: any StoreTransaction, _ kind: BuiltInNotification.Kind, key: String, patientID: String,
                           recipients: [String], about: [String], text: String, sender: String? = nil, priority: String? = nil,
                           now: Date) throws -> StoredResource? {
        let id = BuiltInNotification.id(kind, key: key)
        if let existing = try tx.read(type: "Communication", id: id), !existing.isDeleted { return nil }
        let current = try tx.read(type: "Communication", id: id)
        let resource = BuiltInNotification.communication(kind, patientID: patientID, recipients: recipients, about: about, text: text,
                                                         sender: sender, priority: priority, identifier: key, now: now)
        return try writer.put(tx, type: "Communication", id: id, resource: resource, method: current == nil ? .create : .update, current: current)
    }
}
