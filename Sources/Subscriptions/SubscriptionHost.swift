import Store

/// What the dispatcher asks of the FHIR server, which owns the search parser, the access rules and the audit
/// trail (FHIRServer implements it): matching a change against a subscription as its owner, reading what a
/// notification announces as its owner, and recording a subscription's status.
public protocol SubscriptionHost: Sendable {
    /// Whether `resource` (a current, live version) satisfies the subscription's criteria and its owner may read it:
    /// the criteria search restricted to the resource's id, under the owner's access filter. Throws
    /// `FHIRCore.FHIRError` when the criteria cannot be run (the subscription is then put in `error`).
    func matches(_ subscription: SubscriptionDefinition, _ resource: StoredResource) async throws -> Bool
    /// The version a notification announces, read as the subscription's owner at delivery time (decided by the
    /// access rules and audited like any read): its JSON, or nil when the owner may not read it (now).
    func notificationContent(_ subscription: SubscriptionDefinition, type: String, id: String, version: Int) async throws -> [UInt8]?
    /// Records `status` (and the `error` text) on the Subscription resource.
    func setStatus(subscriptionID: String, status: String, error: String?) async throws
}
