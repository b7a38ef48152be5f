import Foundation

/// The websocket clients bound to subscriptions (`bind <id>`): one connection per subscription, the latest bind
/// wins. The dispatcher sends through it; the HTTP layer's websocket route registers connections.
public actor WebSocketHub {
    /// A connection's outgoing messages.
    public typealias Outbox = AsyncStream<String>.Continuation

    private var bound: [String: (connection: UUID, outbox: Outbox)] = [:]

    public init() {}

    /// Binds `subscriptionID` to a connection (replacing an earlier one).
    public func bind(_ subscriptionID: String, connection: UUID, outbox: Outbox) {
        bound[subscriptionID] = (connection, outbox)
    }

    /// Forgets every binding of a connection (it closed).
    public func unbind(connection: UUID) {
        bound = bound.filter { $0.value.connection != connection }
    }

    /// Whether a subscription has a client, and which connection.
    public func connection(of subscriptionID: String) -> UUID? { bound[subscriptionID]?.connection }

    /// The subscriptions bound on a connection.
    public func subscriptions(of connection: UUID) -> [String] {
        bound.filter { $0.value.connection == connection }.map(\.key).sorted()
    }

    /// Queues `text` to the subscription's client; false when none is bound or its connection ended.
    public func send(_ subscriptionID: String, _ text: String) -> Bool {
        guard let target = bound[subscriptionID] else { return false }
        if case .enqueued = target.outbox.yield(text) { return true }
        bound[subscriptionID] = nil
        return false
    }
}
