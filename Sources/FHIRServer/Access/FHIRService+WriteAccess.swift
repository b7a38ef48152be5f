import Access
import FHIRCore
import Foundation
import Store

/// The write rules (DOMAIN.md rules 2-6), decided inside the store transaction that writes, on what that
/// transaction reads: adding, changing, deleting, consents and visibility labels.
extension FHIRService {
    /// Throws the denial when the actor may not write `resource` (nil: delete) as the next version of `type/id`
    /// after `current`.
    func authorizeWrite(_ tx: any StoreTransaction, _ access: RequestAccess, type: String, id: String,
                        resource: JSONObject?, current: StoredResource?) throws {
        guard let actor = access.actor else { return }
        // Nobody but the server (and the operator) writes a notification, nor turns a Communication into one.
        if case .administrator = actor {} else if let resource, BuiltInNotification.isNotification(resource, type: type) {
            throw FHIRError(.forbidden, Self.explanation(.serverNotification), issueType: "forbidden")
        }
        if type == "Binary", actor != .administrator {
            // A document's content is written by those who may write the document (FHIRService+DocumentAccess).
            return try authorizeBinaryWrite(tx, access, actor, resource: resource, current: current)
        }
        let live = current.flatMap { $0.isDeleted ? nil : $0 }
        var newJSON: JSON?
        if var object = resource {
            object["resourceType"] = .string(type)
            object["id"] = .string(id)
            newJSON = .object(object)
        }
        if try authorizeOwnedWrite(actor, type: type, id: id, resource: newJSON, current: current) { return }
        func require(_ action: AccessAction, patientKey: String, _ metadata: ResourceAccessMetadata) throws {
            let decision: AccessDecision
            if let withoutRecord = decisionWithoutRecord(actor, action, type: type, patientKey: patientKey, at: access.now) {
                decision = withoutRecord
            } else if type == "Patient", action == .create, case .professional = actor, live == nil {
                decision = .permit(.authorised)  // registering a new patient
            } else {
                decision = decide(actor, action, try patientContext(tx, patientKey), metadata, at: access.now)
            }
            if !decision.isPermitted {
                access.trail.attempted(patientKey)
                // Adding hides nothing (the client wrote it, and an absent patient is refused alike): 403.
                if action == .create || live == nil, case .deny(_, let reason) = decision {
                    throw FHIRError(.forbidden, Self.explanation(reason), issueType: "forbidden")
                }
                throw Self.denial(decision, type: type, id: id)
            }
        }

        guard let live else {
            guard let newJSON else { return }  // deleting nothing
            try require(.create, patientKey: writer.indexer.patientKey(newJSON, type: type), .extract(from: newJSON))
            return
        }
        let currentJSON = try JSON.parse(live.content)
        let before = ResourceAccessMetadata.extract(from: currentJSON)
        guard let newJSON else {
            try require(.delete, patientKey: live.patientKey, before)
            return
        }
        let after = ResourceAccessMetadata.extract(from: newJSON)
        var labelActions: [AccessAction] = []
        for label in VisibilityLabel.allCases {
            let had = before.labels.contains(label.option), has = after.labels.contains(label.option)
            if had != has { labelActions.append(has ? .addLabel(label) : .removeLabel(label)) }
        }
        let onlySecurity = Self.withoutVersionMeta(currentJSON, dropSecurity: true) == Self.withoutVersionMeta(newJSON, dropSecurity: true)
        if !(onlySecurity && !labelActions.isEmpty) {
            try require(.update, patientKey: live.patientKey, before)
        }
        for action in labelActions { try require(action, patientKey: live.patientKey, before) }
        let newKey = writer.indexer.patientKey(newJSON, type: type)
        if newKey != live.patientKey { try require(.create, patientKey: newKey, after) }
    }

    /// A resource without `meta.versionId`/`lastUpdated` (and `meta.security`), to compare two versions' content.
    static func withoutVersionMeta(_ json: JSON, dropSecurity: Bool) -> JSON {
        guard case .object(var object) = json else { return json }
        if var meta = object["meta"]?.objectValue {
            meta["versionId"] = nil
            meta["lastUpdated"] = nil
            if dropSecurity { meta["security"] = nil }
            object["meta"] = meta.isEmpty ? nil : .object(meta)
        }
        return .object(object)
    }

    /// A patient's context as the write transaction sees it (never cached).
    func patientContext(_ tx: any StoreTransaction, _ patientID: String) throws -> PatientAccessContext {
        let queries = PatientContextQueries(patientIDs: [patientID])
        let results = try queries.queries.map { try tx.search($0) }
        return queries.assemble(results)[patientID] ?? PatientAccessContext(patientID: patientID)
    }

    /// What a patient or representative adds is marked `record-origin#patient-added` (rule 6); a Consent a
    /// professional records for the patient is marked `record-origin#recorded-in-person` (RULES-API.md: "it is
    /// marked as such").
    static func markingPatientAdded(_ resource: JSONObject, _ access: RequestAccess) -> JSONObject {
        let code: String, display: String
        switch access.actor {
        case .patient?, .representative?: (code, display) = ("patient-added", "Added by the patient")
        case .professional? where resource["resourceType"]?.stringValue == "Consent":
            (code, display) = ("recorded-in-person", "Given in person, recorded by a professional")
        default: return resource
        }
        var object = resource
        var meta = object["meta"]?.objectValue ?? JSONObject()
        var tags = meta["tag"]?.arrayValue ?? []
        let system = SystemCode.Systems.dossierRecordOrigin
        if !tags.contains(where: { $0["system"]?.stringValue == system && $0["code"]?.stringValue == code }) {
            tags.append(["system": .string(system), "code": .string(code), "display": .string(display)])
        }
        meta["tag"] = .array(tags)
        object["meta"] = .object(meta)
        return object
    }
}
