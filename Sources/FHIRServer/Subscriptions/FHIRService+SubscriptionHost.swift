import Access
import FHIRCore
import Foundation
import Store
import Subscriptions

/// The dispatcher's view of the server: matching as the owner, reading as the owner (audited), status updates.
extension FHIRService: SubscriptionHost {
    /// The caller a subscription acts as: its owner (the operator when none was recorded).
    func ownerCaller(_ s: SubscriptionDefinition) -> RequestCaller? {
        guard configuration.accessRules else { return nil }
        guard let owner = s.owner, owner != ResourceOwner.operatorOwner else {
            return RequestCaller(subject: "subscription:\(s.id)", fhirUser: nil, isOperator: true)
        }
        return RequestCaller(subject: owner, fhirUser: owner, role: s.ownerRole)
    }

    public func matches(_ s: SubscriptionDefinition, _ version: StoredResource) async throws -> Bool {
        let now = Date()
        let caller = ownerCaller(s)
        var ownerActor: AccessActor?
        if let caller { ownerActor = try await actor(of: caller, now: now) }
        let access = RequestAccess(caller: caller, actor: ownerActor, now: now)
        let items = QueryString.parse(s.criteriaQuery).map { (name: $0.name, value: $0.value) }
        let engine = try await searchEngine()
        let parsed = try await engine.parser.parse(type: s.criteriaType, items: items, strict: false, now: now, context: searchContext(access))
        let filter = try await accessFilter(access)
        var conditions: [SearchCondition] = [filter?.restrictingChains(parsed.condition) ?? parsed.condition]
        if let restriction = filter?.condition(types: [s.criteriaType]) { conditions.append(restriction) }
        // The version as the store indexed it when it was written (search entries and access entries alike).
        let json = try JSON.parse(version.content)
        let matcher = VersionMatcher(version: version, entries: writer.index(of: json, type: version.type)) { [store] type, condition in
            !(try await store.search(SearchQuery(type: type, condition: condition, limit: 1)).resources.isEmpty)
        }
        return try await matcher.matches(.all(conditions))
    }

    /// A vread of the version as the owner, through ``handle(_:)``: decided by the access rules and audited. A
    /// deletion answers 410 to those who could read the version it deleted (404 to others).
    public func notificationContent(_ s: SubscriptionDefinition, type: String, id: String, version: Int) async throws -> NotificationContent? {
        let request = FHIRRequest(method: .get, path: [type, id, "_history", String(version)], caller: ownerCaller(s))
        let response = await handle(request)
        if response.status == 200 { return .resource(response.body) }
        if response.status == 410 { return .deleted }
        if response.status >= 500 { throw StoreError.unavailable("reading \(type)/\(id)/_history/\(version) for Subscription/\(s.id) answered \(response.status)") }
        return nil
    }

    public func setStatus(subscriptionID: String, status: String, error: String?) async throws {
        _ = try await store.write { tx in
            guard let current = try tx.read(type: "Subscription", id: subscriptionID), !current.isDeleted,
                  case .object(var object) = try JSON.parse(current.content) else { return }
            object["status"] = .string(status)
            object["error"] = error.map { .string($0) }
            _ = try self.writer.put(tx, type: "Subscription", id: subscriptionID, resource: object, method: .update, current: current)
        }
    }
}
