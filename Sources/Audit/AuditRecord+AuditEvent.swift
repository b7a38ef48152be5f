import FHIRCore
import Foundation

extension AuditRecord {
    /// The record as a FHIR R4 `AuditEvent` (IHE BALP shapes).
    ///
    /// - `type` `audit-event-type#rest` with subtype `restful-interaction#<interaction>`; an emergency override is a
    ///   DICOM `110113` Security Alert with subtypes `110127` Emergency Override Started and the interaction.
    ///   Operations add a subtype in ``AuditSystems/operation`` (`$break-glass`).
    /// - `agent`: the user (`v3-ParticipationType#IRCP`, `requestor: true`, `who`, profession as `role`,
    ///   `purposeOfUse`, the PractitionerRole as an extension), their organisation (`v3-RoleClass#PROV`), the client
    ///   (DICOM `110153` Source Role ID, client id, `network.address`) and the server (`110152` Destination Role ID,
    ///   base URL).
    /// - `entity`: each patient (`what` `Patient/x`, type `1` Person, role `1` Patient), each resource touched
    ///   (type `2`, role `4` Domain Resource, versioned when known), and the search query (role `24`, base64).
    ///   Patient ids are rendered once each (a `Patient/` prefix is accepted).
    /// - Emergency events carry `purposeOfEvent` `v3-ActReason#BTG`; an emergency with no purpose of use gets ETREAT.
    ///
    /// The rendering is deterministic (members in a fixed order), so its compact serialisation is the record's
    /// canonical bytes for the hash chain.
    public func auditEvent() -> JSON {
        let recordedText = FHIRInstant.format(recorded)
        var event: JSONObject = ["resourceType": "AuditEvent", "id": .string(id),
                                 "meta": ["lastUpdated": .string(recordedText)]]
        if let description {
            event["extension"] = [["url": .string(AuditSystems.descriptionExtension), "valueString": .string(description)]]
        }
        if emergency == .override {
            event["type"] = Self.coding(AuditSystems.dicom, "110113", "Security Alert")
        } else {
            event["type"] = Self.coding(AuditSystems.auditEventType, "rest", "Restful Operation")
        }
        event["subtype"] = .array(subtypes.map { Self.coding($0.system, $0.code, $0.display) })
        event["action"] = .string(action.code)
        event["recorded"] = .string(recordedText)
        event["outcome"] = .string(outcome.code)
        if let outcomeDescription { event["outcomeDesc"] = .string(outcomeDescription) }
        if emergency.isEmergency {
            event["purposeOfEvent"] = [Self.concept(.breakTheGlass)]
        }
        event["agent"] = .array(agents)
        var source: JSONObject = ["site": .string(self.source.name), "observer": ["display": .string(self.source.name)]]
        source["type"] = [Self.coding(AuditSystems.securitySourceType, "4", "Application Server")]
        event["source"] = .object(source)
        let entities = self.renderedEntities
        if !entities.isEmpty { event["entity"] = .array(entities) }
        return .object(event)
    }

    /// The subtypes: the 110127 override code first for an override, then the interaction, then the operation.
    private var subtypes: [AuditCoding] {
        var codes: [AuditCoding] = []
        if emergency == .override {
            codes.append(AuditCoding(system: AuditSystems.dicom, code: "110127", display: "Emergency Override Started"))
        }
        codes.append(AuditCoding(system: AuditSystems.restfulInteraction, code: interaction.code, display: interaction.code))
        if let operation { codes.append(AuditCoding(system: AuditSystems.operation, code: operation, display: operation)) }
        return codes
    }

    /// The purposes of use rendered on the user agent: as given, or ETREAT for an emergency that named none.
    private var effectivePurposeOfUse: [AuditCoding] {
        if purposeOfUse.isEmpty, emergency.isEmergency { return [.emergencyTreatment] }
        return purposeOfUse
    }

    private var agents: [JSON] {
        var user: JSONObject = [:]
        if let role = agent.role {
            user["extension"] = [["url": .string(AuditSystems.practitionerRoleExtension),
                                  "valueReference": ["reference": .string(role)]]]
        }
        user["type"] = Self.concept(AuditCoding(system: AuditSystems.participationType, code: "IRCP",
                                                display: "information recipient"))
        if let profession = agent.profession { user["role"] = [Self.concept(profession)] }
        var who: JSONObject = ["reference": .string(agent.who)]
        if let name = agent.name { who["display"] = .string(name) }
        user["who"] = .object(who)
        if let name = agent.name { user["name"] = .string(name) }
        user["requestor"] = true
        let purposes = effectivePurposeOfUse
        if !purposes.isEmpty { user["purposeOfUse"] = .array(purposes.map(Self.concept)) }
        var agents: [JSON] = [.object(user)]

        if let organization = agent.organization {
            agents.append([
                "type": Self.concept(AuditCoding(system: AuditSystems.roleClass, code: "PROV", display: "healthcare provider")),
                "who": ["reference": .string(organization)],
                "requestor": false,
            ])
        }
        if agent.clientID != nil || remoteAddress != nil {
            var client: JSONObject = [
                "type": Self.concept(AuditCoding(system: AuditSystems.dicom, code: "110153", display: "Source Role ID")),
            ]
            client["who"] = agent.clientID.map { id -> JSON in ["identifier": ["value": .string(id)]] }
                ?? ["display": "unidentified client"]
            client["requestor"] = false
            if let remoteAddress { client["network"] = ["address": .string(remoteAddress), "type": "2"] }
            agents.append(.object(client))
        }
        var server: JSONObject = [
            "type": Self.concept(AuditCoding(system: AuditSystems.dicom, code: "110152", display: "Destination Role ID")),
            "who": ["display": .string(source.name)],
            "requestor": false,
        ]
        if let baseURL = source.baseURL { server["network"] = ["address": .string(baseURL), "type": "5"] }
        agents.append(.object(server))
        return agents
    }

    private var renderedEntities: [JSON] {
        var entities: [JSON] = []
        var seen = Set<String>()
        for patientID in patientIDs {
            let id = patientID.hasPrefix("Patient/") ? String(patientID.dropFirst("Patient/".count)) : patientID
            guard seen.insert(id).inserted else { continue }
            entities.append([
                "what": ["reference": .string("Patient/\(id)")],
                "type": Self.coding(AuditSystems.auditEntityType, "1", "Person"),
                "role": Self.coding(AuditSystems.objectRole, "1", "Patient"),
            ])
        }
        for entity in self.entities {
            entities.append([
                "what": ["reference": .string(entity.renderedReference)],
                "type": Self.coding(AuditSystems.auditEntityType, "2", "System Object"),
                "role": Self.coding(AuditSystems.objectRole, "4", "Domain Resource"),
            ])
        }
        if let query {
            entities.append([
                "type": Self.coding(AuditSystems.auditEntityType, "2", "System Object"),
                "role": Self.coding(AuditSystems.objectRole, "24", "Query"),
                "query": .string(Data(query.utf8).base64EncodedString()),
            ])
        }
        return entities
    }

    private static func coding(_ system: String, _ code: String, _ display: String?) -> JSON {
        var coding: JSONObject = ["system": .string(system), "code": .string(code)]
        if let display { coding["display"] = .string(display) }
        return .object(coding)
    }

    private static func concept(_ coding: AuditCoding) -> JSON {
        ["coding": [Self.coding(coding.system, coding.code, coding.display)]]
    }
}
