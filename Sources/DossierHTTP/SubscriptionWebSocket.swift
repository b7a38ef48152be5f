import Auth
import FHIRCore
import FHIRServer
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import Subscriptions

/// The R4 websocket channel of Subscriptions at `[fhir path]/$websocket` (the URL the CapabilityStatement names):
/// the upgrade request carries the bearer token (without a valid one there is no upgrade); then the messages of
/// ``Subscriptions/WebSocketSession`` (`bind <id>`, `bound <id>`, `ping <id> <event>`, `ack <id> <event>`). Only the
/// owner may bind: `bind` reads the Subscription through the FHIR layer as the caller (access rules, audit).
struct SubscriptionWebSocket: Sendable {
    let service: FHIRService
    let dispatcher: SubscriptionDispatcher
    let verifier: TokenVerifier?
    let path: String

    /// Whether to upgrade this request, and the handler when so.
    func shouldUpgrade(_ request: HTTPRequest) async -> ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>> {
        let requested = request.path.map { String($0.prefix { $0 != "?" }) }
        guard request.method == .get, requested == path || requested == path.replacingOccurrences(of: "$", with: "%24") else { return .dontUpgrade }
        let caller: RequestCaller?
        if let verifier {
            guard let authorization = request.headerFields[.authorization], authorization.lowercased().hasPrefix("bearer "),
                  let identity = try? await verifier.verify(bearer: String(authorization.dropFirst(7)).trimmingCharacters(in: .whitespaces)) else {
                return .dontUpgrade
            }
            caller = FHIRController.caller(identity)
        } else {
            caller = nil
        }
        return .upgrade([:]) { inbound, outbound, _ in
            try await self.serve(inbound, outbound, caller: caller)
        }
    }

    private func serve(_ inbound: WebSocketInboundStream, _ outbound: WebSocketOutboundWriter, caller: RequestCaller?) async throws {
        let (messages, outbox) = AsyncStream<String>.makeStream()
        let session = WebSocketSession(hub: dispatcher.hub, log: dispatcher.log, outbox: outbox) { id in
            await self.mayBind(id, caller: caller)
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await text in messages { try await outbound.write(.text(text)) }
            }
            do {
                for try await message in inbound.messages(maxSize: 64 * 1024) {
                    guard case .text(let text) = message else { continue }
                    if let reply = await session.receive(text) { outbox.yield(reply) }
                }
            } catch {
                await session.close()
                group.cancelAll()
                throw error
            }
            await session.close()
            try await group.waitForAll()
        }
    }

    /// The caller may read the Subscription (its owner, or the operator) and it is a websocket one.
    private func mayBind(_ id: String, caller: RequestCaller?) async -> Bool {
        guard FHIRPrimitive.isValidID(id) else { return false }
        let response = await service.handle(FHIRRequest(method: .get, path: ["Subscription", id], caller: caller))
        guard response.status == 200, let json = try? JSON.parse(response.body) else { return false }
        return json["channel"]?["type"]?.stringValue == SubscriptionDefinition.Channel.websocket.rawValue
    }
}
