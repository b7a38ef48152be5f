import FHIRCore

/// Resources that belong to the actor who created them rather than to a patient's record: a `Subscription` (its
/// criteria, endpoint and headers are its owner's settings). The owner is recorded by the server in `meta.tag`
/// (``SystemCode/Systems/dossierSubscriptionOwner``, and the PractitionerRole the owner acted through under
/// ``SystemCode/Systems/dossierSubscriptionOwnerRole``); a client's own tags of those systems are replaced, so the
/// owner cannot be forged. The owner reads, updates and deletes it; the operator every one; nobody else sees it.
public enum ResourceOwner {
    /// The types owned this way.
    public static let ownedTypes: Set<String> = ["Subscription"]
    /// The owner code of resources the operator (or a backend service) created.
    public static let operatorOwner = "operator"

    /// The owner recorded on a resource (nil: none recorded, which only the operator or a server without rules
    /// can write).
    public static func owner(of resource: JSON) -> String? {
        tags(of: resource, system: SystemCode.Systems.dossierSubscriptionOwner).first
    }

    /// The PractitionerRole recorded with the owner, if any.
    public static func role(of resource: JSON) -> String? {
        tags(of: resource, system: SystemCode.Systems.dossierSubscriptionOwnerRole).first
    }

    /// Whether the resource carries exactly one owner tag, equal to `owner`, and no more than one role tag.
    public static func isOwned(_ resource: JSON, by owner: String) -> Bool {
        tags(of: resource, system: SystemCode.Systems.dossierSubscriptionOwner) == [owner]
            && tags(of: resource, system: SystemCode.Systems.dossierSubscriptionOwnerRole).count <= 1
    }

    /// `resource` with its owner tags replaced by `owner` (and `role`, when given).
    public static func stamping(_ resource: JSONObject, owner: String, role: String?) -> JSONObject {
        var object = resource
        var meta = object["meta"]?.objectValue ?? JSONObject()
        let systems = [SystemCode.Systems.dossierSubscriptionOwner, SystemCode.Systems.dossierSubscriptionOwnerRole]
        var tags = (meta["tag"]?.arrayValue ?? []).filter { !systems.contains($0["system"]?.stringValue ?? "") }
        tags.append(["system": .string(systems[0]), "code": .string(owner)])
        if let role { tags.append(["system": .string(systems[1]), "code": .string(role)]) }
        meta["tag"] = .array(tags)
        object["meta"] = .object(meta)
        return object
    }

    private static func tags(of resource: JSON, system: String) -> [String] {
        (resource["meta"]?["tag"]?.arrayValue ?? []).compactMap { tag in
            tag["system"]?.stringValue == system ? tag["code"]?.stringValue : nil
        }
    }
}
