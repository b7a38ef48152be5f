import FHIRCore
import Foundation
import Store
import Subscriptions

/// The one gate every write of a Subscription passes, whatever its path: `POST`, `PUT` (``subscriptionInteraction(_:)``),
/// conditional `PUT` and `PATCH` (the generic interactions call in here), and the entries of batch Bundles (run
/// as those interactions) and transaction Bundles (checked while the transaction is planned).
///
/// The checks need the search parser and DNS, so they run before the store transaction. A PATCH's result is only
/// known inside it: the patch is applied and checked beforehand on the version read then, and the transaction
/// requires that very version (409 when the Subscription changed meanwhile), so what is written is what was checked.
extension FHIRService {
    /// The checks of a Subscription about to be written: the channel and status
    /// (``Subscriptions/SubscriptionValidation/check(_:)``), the criteria (the search parser, strictly), the
    /// rest-hook endpoint (``Subscriptions/SubscriptionValidation/checkEndpoint(_:policy:)`` under
    /// ``ServerConfiguration/subscriptionEndpoints``). Returns the resource as it is stored (``activating(_:)``).
    func checkedSubscription(_ resource: JSONObject, access: RequestAccess) async throws -> JSONObject {
        let json = JSON.object(resource)
        try SubscriptionValidation.check(json)
        try await validateCriteria(resource["criteria"]?.stringValue ?? "", access: access)
        try await SubscriptionValidation.checkEndpoint(json, policy: configuration.subscriptionEndpoints)
        return Self.activating(resource)
    }

    /// ``checkedSubscription(_:access:)`` for a Subscription, `resource` unchanged for any other type.
    func checkedIfSubscription(_ resource: JSONObject, type: String, access: RequestAccess) async throws -> JSONObject {
        type == "Subscription" ? try await checkedSubscription(resource, access: access) : resource
    }

    /// A Subscription is stored `active` when the client asks for `requested` (this server starts delivering at
    /// once), and an active one carries no `error`.
    static func activating(_ resource: JSONObject) -> JSONObject {
        var resource = resource
        if resource["status"]?.stringValue == "requested" { resource["status"] = "active" }
        if resource["status"]?.stringValue == "active" { resource["error"] = nil }
        return resource
    }

    /// Before a PATCH of a Subscription: finds the version it applies to (by id, or the one match of `query`),
    /// applies `patch` and checks the result. Returns the version checked, which the transaction then requires
    /// (``requireChecked(_:current:type:)``); nil for other types, or when there is nothing to patch, or nothing the
    /// actor may read (the transaction answers those with its usual error: a check of someone else's Subscription
    /// would tell them it exists).
    func checkedPatchTarget(type: String, id: String?, query: SearchQuery?, patch: JSONPatch, access: RequestAccess) async throws -> StoredResource? {
        guard type == "Subscription" else { return nil }
        let target: StoredResource?
        if let id {
            target = try await store.read(type: type, id: id)
        } else if let query {
            let matches = try await store.search(query).resources
            target = matches.count == 1 ? matches[0] : nil
        } else {
            target = nil
        }
        guard let target, !target.isDeleted, try await mayRead(target, access: access),
              case .object(let patched) = try patch.apply(to: JSON.parse(target.content)) else { return nil }
        _ = try await checkedSubscription(patched, access: access)
        return target
    }

    /// Inside a PATCH's transaction: a Subscription must still be the version ``checkedPatchTarget(type:id:query:patch:access:)``
    /// checked; the patched result is then ``activating(_:)`` like any written Subscription.
    func requireChecked(_ checked: StoredResource?, current: StoredResource, type: String) throws -> Bool {
        guard type == "Subscription" else { return false }
        guard let checked, checked.id == current.id, checked.version == current.version else {
            throw FHIRError(.conflict, "Subscription/\(current.id) changed while its patch was being checked; retry with the current version",
                            issueType: "conflict")
        }
        return true
    }
}
