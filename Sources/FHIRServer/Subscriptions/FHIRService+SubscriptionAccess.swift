import Access
import FHIRCore
import Foundation
import Store

/// The owner rules of Subscriptions (``Access/ResourceOwner``): any signed-in actor creates them; each reads,
/// updates and deletes only their own; the operator all of them.
extension FHIRService {
    /// The owner code an actor's Subscriptions carry (nil: the rules are off, nothing is recorded).
    static func ownerCode(_ actor: AccessActor?) -> String? {
        switch actor {
        case nil: nil
        case .administrator?: ResourceOwner.operatorOwner
        case .patient(let id)?: "Patient/\(id)"
        case .representative(let r)?: "RelatedPerson/\(r.relatedPersonID)"
        case .professional(let p)?: "Practitioner/\(p.practitionerID)"
        }
    }

    /// The PractitionerRole a professional acts through (recorded with the owner).
    static func ownerRole(_ actor: AccessActor?) -> String? {
        if case .professional(let p)? = actor, let role = p.roleID { return "PractitionerRole/\(role)" }
        return nil
    }

    /// The read decision on an owned resource (nil: not an owned type, or the operator: the usual rules decide).
    func ownedReadPermitted(_ actor: AccessActor, _ stored: StoredResource) -> Bool? {
        guard ResourceOwner.ownedTypes.contains(stored.type), let owner = Self.ownerCode(actor), owner != ResourceOwner.operatorOwner else { return nil }
        guard !stored.isDeleted, let json = try? JSON.parse(stored.content) else { return false }
        return ResourceOwner.isOwned(json, by: owner)
    }

    /// Decides a write of an owned resource (nil: not an owned type, or the operator): the current version must be
    /// the actor's (else "not known"), and the new one must carry the actor as its only owner (else 403).
    func authorizeOwnedWrite(_ actor: AccessActor, type: String, id: String, resource: JSON?, current: StoredResource?) throws -> Bool {
        guard ResourceOwner.ownedTypes.contains(type), let owner = Self.ownerCode(actor), owner != ResourceOwner.operatorOwner else { return false }
        if let current, !current.isDeleted {
            guard let json = try? JSON.parse(current.content), ResourceOwner.isOwned(json, by: owner) else {
                throw FHIRError(.notFound, "\(type)/\(id) is not known")
            }
        }
        if let resource, !ResourceOwner.isOwned(resource, by: owner) {
            throw FHIRError(.forbidden, "A \(type) belongs to the actor who creates it; its owner tag (\(SystemCode.Systems.dossierSubscriptionOwner)) must be \(owner)", issueType: "forbidden")
        }
        return true
    }
}
