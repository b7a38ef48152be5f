import Access
import FHIRCore
import Foundation

/// Dossier's built-in notifications (DOMAIN.md "Care coordination"): `Communication` resources the server writes,
/// `status` `completed`, `category` in `https://dossier.health/CodeSystem/notification`, `subject` the patient,
/// `recipient` the people told, `payload` a readable text carrying no clinical content beyond what the recipients
/// may know, `about` what triggered it. Read only by their recipients and the operator (``Access/AccessPolicy``);
/// written only by the server and the operator.
///
/// Each has a deterministic id derived from its kind and its trigger (``id(_:key:)``): writing it twice is a no-op,
/// so periodic tasks and retried writes never notify twice.
enum BuiltInNotification {
    /// The kinds of notification (the category codes).
    enum Kind: String, CaseIterable {
        /// A new current DocumentReference in the record, to the patient's GP.
        case newDocument = "new-document"
        /// An emergency access (`$break-glass`), to the patient, their GP and the privacy officers of the
        /// professional's organisation.
        case emergencyAccess = "emergency-access"
        /// A result still invisible to the patient two weeks after its date: the patient is asked to consult.
        case consultReminder = "consult-reminder"
        /// The patient authorised a professional: to the patient and the professional.
        case professionalAuthorised = "professional-authorised"

        /// The category's display.
        var display: String {
            switch self {
            case .newDocument: "New document in the record"
            case .emergencyAccess: "Emergency access (break the glass)"
            case .consultReminder: "A result awaits its announcement: please consult"
            case .professionalAuthorised: "A professional was authorised"
            }
        }
    }

    /// The notification's resource.
    static func communication(_ kind: Kind, patientID: String, recipients: [String], about: [String], text: String,
                              sender: String? = nil, priority: String? = nil, identifier: String? = nil, now: Date) -> JSONObject {
        var object: JSONObject = ["resourceType": "Communication"]
        if let identifier {
            object["identifier"] = [["system": .string("https://dossier.health/Id/notification"), "value": .string(identifier)]]
        }
        object["status"] = "completed"
        object["category"] = [["coding": [["system": .string(SystemCode.Systems.dossierNotification), "code": .string(kind.rawValue),
                                           "display": .string(kind.display)]]]]
        if let priority { object["priority"] = .string(priority) }
        object["subject"] = ["reference": .string("Patient/\(patientID)")]
        if !about.isEmpty { object["about"] = .array(about.map { ["reference": .string($0)] }) }
        object["sent"] = .string(FHIRInstant.format(now))
        if let sender { object["sender"] = ["reference": .string(sender)] }
        var seen = Set<String>()
        object["recipient"] = .array(recipients.filter { seen.insert($0).inserted }.map { ["reference": .string($0)] })
        object["payload"] = [["contentString": .string(text)]]
        return object
    }

    /// A deterministic resource id for the notification of `kind` about `key` (FNV-1a, 64 bits, of both): the same
    /// trigger always names the same Communication.
    static func id(_ kind: Kind, key: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in (kind.rawValue + "|" + key).utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return "\(kind.rawValue)-" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Whether a resource about to be written by a client is a notification (which only the server writes).
    static func isNotification(_ resource: JSONObject, type: String) -> Bool {
        guard type == "Communication" else { return false }
        return ResourceAccessMetadata.extract(from: .object(resource)).notificationRecipients != nil
    }
}
