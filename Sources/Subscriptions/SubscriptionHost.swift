import Store

/// What the dispatcher asks of the FHIR server, which owns the search parser, the access rules and the audit
/// trail (FHIRServer implements it): matching a change against a subscription as its owner, reading what a
/// notification announces as its owner, and recording a subscription's status.
public protocol SubscriptionHost: Sendable {
    /// Whether `version` — exactly the version a change wrote, or for a deletion the live version it deleted —
    /// satisfies the subscription's criteria and its owner may read it: the criteria search judged on that version
    /// (``VersionMatcher``) under the owner's access filter, whatever the resource became since. Throws
    /// `FHIRCore.FHIRError` when the criteria cannot be run (the subscription is then put in `error`).
    func matches(_ subscription: SubscriptionDefinition, _ version: StoredResource) async throws -> Bool
    /// The version a notification announces, read as the subscription's owner at delivery time (decided by the
    /// access rules and audited like any read): its JSON, ``NotificationContent/deleted`` for a deletion the owner
    /// may know of (they may read the version it deleted), or nil when the owner may not read it (now).
    func notificationContent(_ subscription: SubscriptionDefinition, type: String, id: String, version: Int) async throws -> NotificationContent?
    /// Records `status` (and the `error` text) on the Subscription resource.
    func setStatus(subscriptionID: String, status: String, error: String?) async throws
}
