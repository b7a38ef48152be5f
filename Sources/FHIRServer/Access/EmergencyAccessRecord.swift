import Access
import FHIRCore
import Foundation
import Store

/// An emergency access (`$break-glass`) as it is kept in the patient's record: a `Basic` resource coded
/// `https://dossier.health/CodeSystem/record-event|emergency-access`, whose subject is the patient, whose author is
/// the professional, with the role, purpose, reason and expiry in one extension. The patient sees it in their
/// record; the access rules read it back as an ``Access/EmergencyGrant``.
enum EmergencyAccessRecord {
    static let codeSystem = "https://dossier.health/CodeSystem/record-event"
    static let code = "emergency-access"
    static let extensionURL = "https://dossier.health/StructureDefinition/emergency-access"
    /// The search condition that finds these records among `Basic` resources.
    static let condition = SearchCondition.token("code", system: codeSystem, [code])

    /// The `Basic` resource of a grant.
    static func resource(patientID: String, grant: EmergencyGrant, organizationID: String?, reason: String, now: Date) -> JSONObject {
        var details: [JSON] = [
            ["url": "expires", "valueInstant": .string(FHIRInstant.format(grant.expires))],
            ["url": "purpose", "valueCoding": ["system": .string(grant.purpose.code.system), "code": .string(grant.purpose.code.code)]],
            ["url": "reason", "valueString": .string(reason)],
        ]
        if let role = grant.roleID { details.append(["url": "role", "valueReference": ["reference": .string("PractitionerRole/\(role)")]]) }
        if let organizationID { details.append(["url": "organization", "valueReference": ["reference": .string("Organization/\(organizationID)")]]) }
        return [
            "resourceType": "Basic",
            "code": ["coding": [["system": .string(codeSystem), "code": .string(code), "display": "Emergency access (break the glass)"]]],
            "subject": ["reference": .string("Patient/\(patientID)")],
            "created": .string(FHIRInstant.format(now)),
            "author": ["reference": .string("Practitioner/\(grant.practitionerID)")],
            "extension": [["url": .string(extensionURL), "extension": .array(details)]],
        ]
    }

    /// The grant a stored `Basic` records; nil for any other resource.
    static func grant(_ resource: JSON) -> EmergencyGrant? {
        guard resource["resourceType"]?.stringValue == "Basic",
              (resource["code"]?["coding"]?.arrayValue ?? []).contains(where: {
                  $0["system"]?.stringValue == codeSystem && $0["code"]?.stringValue == code }),
              let author = resource["author"]?["reference"]?.stringValue, author.hasPrefix("Practitioner/"),
              let ext = resource["extension"]?.arrayValue?.first(where: { $0["url"]?.stringValue == extensionURL }) else { return nil }
        let details = ext["extension"]?.arrayValue ?? []
        func detail(_ name: String) -> JSON? { details.first { $0["url"]?.stringValue == name } }
        guard let expiresText = detail("expires")?["valueInstant"]?.stringValue, let expires = FHIRInstant(expiresText)?.lowerBound,
              let system = detail("purpose")?["valueCoding"]?["system"]?.stringValue,
              let code = detail("purpose")?["valueCoding"]?["code"]?.stringValue,
              let purpose = EmergencyPurpose(code: SystemCode(system, code)) else { return nil }
        let role = detail("role")?["valueReference"]?["reference"]?.stringValue
            .flatMap { $0.hasPrefix("PractitionerRole/") ? String($0.dropFirst("PractitionerRole/".count)) : nil }
        return EmergencyGrant(practitionerID: String(author.dropFirst("Practitioner/".count)), roleID: role,
                              purpose: purpose, expires: expires)
    }
}
