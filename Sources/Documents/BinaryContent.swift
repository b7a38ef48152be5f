import FHIRCore
import Foundation

/// How a stored `Binary` points at its content: instead of inline `data`, an extension
/// `https://dossier.health/StructureDefinition/binary-content` with `sha256` (the address in the ``ContentStore``),
/// `sha1` (base64, as `Attachment.hash`) and `size`. `Binary.securityContext` names the DocumentReference whose
/// access rules the content follows (or the Patient it is for, until a DocumentReference links it).
public enum BinaryContent {
    /// The extension's URL.
    public static let extensionURL = "https://dossier.health/StructureDefinition/binary-content"

    /// The content a stored Binary points at, nil when it has none.
    public static func content(of binary: JSON) -> StoredContent? {
        guard let ext = (binary["extension"]?.arrayValue ?? []).first(where: { $0["url"]?.stringValue == extensionURL }) else { return nil }
        var sha256: String?, sha1: String?, size: Int64?
        for part in ext["extension"]?.arrayValue ?? [] {
            switch part["url"]?.stringValue {
            case "sha256": sha256 = part["valueString"]?.stringValue
            case "sha1": sha1 = part["valueBase64Binary"]?.stringValue
            case "size": size = part["valueDecimal"]?.numberText.flatMap { Int64($0) }
            default: break
            }
        }
        guard let sha256, ContentStore.isSHA256(sha256), let sha1, let size else { return nil }
        return StoredContent(sha256: sha256, sha1Base64: sha1, size: size)
    }

    /// `binary` pointing at `content`: inline `data` removed, the extension set (replacing any previous one).
    public static func pointing(_ binary: JSONObject, at content: StoredContent) -> JSONObject {
        var object = binary
        object["data"] = nil
        var extensions = (object["extension"]?.arrayValue ?? []).filter { $0["url"]?.stringValue != extensionURL }
        let value: JSON = [
            "url": .string(extensionURL),
            "extension": [
                ["url": "sha256", "valueString": .string(content.sha256)],
                ["url": "sha1", "valueBase64Binary": .string(content.sha1Base64)],
                ["url": "size", "valueDecimal": .number(String(content.size))],
            ],
        ]
        extensions.append(value)
        object["extension"] = .array(extensions)
        return object
    }

    /// The reference in `Binary.securityContext` (`DocumentReference/1`, `Patient/2`), if any.
    public static func securityContext(of binary: JSON) -> String? {
        binary["securityContext"]?["reference"]?.stringValue
    }

    /// `binary` with its security context set to `reference`.
    public static func withSecurityContext(_ binary: JSONObject, _ reference: String) -> JSONObject {
        var object = binary
        object["securityContext"] = ["reference": .string(reference)]
        return object
    }
}
