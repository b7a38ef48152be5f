import Foundation

/// The R4 websocket protocol of one connection, apart from the socket itself (the HTTP layer adapts):
/// - `bind <subscription id>`: allowed to the subscription's owner only (``authorize``); answers `bound <id>`.
///   Notifications that were sent earlier but never acknowledged are queued again and, with those recorded while
///   no client was bound, replayed in order.
/// - the server sends `ping <subscription id> <event number>` for each notification;
/// - `ack <subscription id> <event number>` (or `ack <event number>` when one subscription is bound)
///   acknowledges every notification of that subscription up to that number: they are not sent again.
/// Anything else answers `error <reason>`.
public final class WebSocketSession: Sendable {
    /// The connection's id in the hub.
    public let connection = UUID()
    let hub: WebSocketHub
    let log: DeliveryLog
    let outbox: WebSocketHub.Outbox
    /// Whether the caller may bind this subscription (its owner, and a websocket channel).
    let authorize: @Sendable (String) async -> Bool

    /// A session whose outgoing messages go to `outbox`.
    public init(hub: WebSocketHub, log: DeliveryLog, outbox: WebSocketHub.Outbox, authorize: @escaping @Sendable (String) async -> Bool) {
        self.hub = hub
        self.log = log
        self.outbox = outbox
        self.authorize = authorize
    }

    /// Handles one text message; returns the reply, if any.
    public func receive(_ text: String) async -> String? {
        let words = text.split(whereSeparator: \.isWhitespace).map(String.init)
        switch (words.first?.lowercased() ?? "", words.count) {
        case ("bind", 2):
            let id = words[1]
            guard await authorize(id) else { return "error Subscription/\(id) is not known or is not a websocket subscription of yours" }
            do {
                try await log.requeueSent(subscriptionID: id, now: Date())
            } catch {
                return "error \(error)"
            }
            // `bound` goes out before the first replayed ping, which the dispatcher may send as soon as it is bound.
            outbox.yield("bound \(id)")
            await hub.bind(id, connection: connection, outbox: outbox)
            return nil
        case ("ack", 2), ("ack", 3):
            let id: String
            if words.count == 3 { id = words[1] } else {
                let mine = await boundHere()
                guard mine.count == 1 else { return "error ack needs the subscription id when several are bound: ack <id> <event>" }
                id = mine[0]
            }
            guard let event = Int64(words[words.count - 1]), await hub.connection(of: id) == connection else {
                return "error ack <subscription id> <event number>, for a subscription bound on this connection"
            }
            do { try await log.acknowledge(subscriptionID: id, through: event, now: Date()) } catch { return "error \(error)" }
            return nil
        default:
            return "error unknown message; expected 'bind <subscription id>' or 'ack <subscription id> <event number>'"
        }
    }

    private func boundHere() async -> [String] { await hub.subscriptions(of: connection) }

    /// The connection closed: its subscriptions are unbound (their unacknowledged notifications wait for the next bind).
    public func close() async {
        await hub.unbind(connection: connection)
        outbox.finish()
    }
}
