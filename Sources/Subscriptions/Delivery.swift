import Foundation

/// One notification of one subscription, as recorded in the ``DeliveryLog``.
public struct Delivery: Sendable, Hashable {
    /// Where a delivery stands.
    public enum Status: String, Sendable, Hashable, CaseIterable {
        /// Not delivered yet: waiting for its turn, for `nextAttemptAt` (a retry), or for a websocket client.
        case pending
        /// Written to a bound websocket client, not yet acknowledged (`ack`): sent again after the next `bind`.
        case sent
        /// Acknowledged: a 2xx from the rest-hook endpoint, or an `ack` on the websocket.
        case delivered
        /// Given up after the retry budget; its subscription went to `error`.
        case failed
        /// Not sent: at delivery time the owner could no longer read the resource.
        case withheld

        /// Whether the delivery is finished (nothing more will be sent for it).
        public var isFinal: Bool { self == .delivered || self == .failed || self == .withheld }
    }

    /// The subscription.
    public var subscriptionID: String
    /// The event number: 1, 2, 3... per subscription, in the order of the store's changes.
    public var event: Int64
    /// The store change that produced it (``Store/StoreChange/sequence``).
    public var changeSequence: Int64
    /// The resource version announced.
    public var resourceType: String
    public var resourceID: String
    public var resourceVersion: Int
    /// `rest-hook` or `websocket`.
    public var channel: String
    public var status: Status
    /// Attempts made so far (rest-hook posts, websocket sends).
    public var attempts: Int
    /// Not before this instant (retries).
    public var nextAttemptAt: Date
    /// The first attempt (the retry budget counts from it).
    public var firstAttemptAt: Date?
    /// Why the last attempt failed (status code or connection error), or why it was withheld.
    public var lastError: String?
    public var createdAt: Date
    public var updatedAt: Date
    /// When it was acknowledged.
    public var deliveredAt: Date?

    /// The event id sent with it (`<subscription id>:<event>`), the same on every attempt.
    public var eventID: String { "\(subscriptionID):\(event)" }
}
