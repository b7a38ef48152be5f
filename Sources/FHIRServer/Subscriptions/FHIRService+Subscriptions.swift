import Access
import FHIRCore
import Foundation
import Store
import Subscriptions

/// R4 Subscriptions on the REST API: create and update are checked (``checkedSubscription(_:access:)``, the gate
/// every write path of a Subscription passes) and record the owner; `$events` lists the delivery log; the service
/// is the dispatcher's ``Subscriptions/SubscriptionHost``.
extension FHIRService {
    /// Handles the Subscription interactions that differ from the generic ones; nil: the generic one applies.
    func subscriptionInteraction(_ request: FHIRRequest) async throws -> FHIRResponse? {
        let p = request.path
        if p.count == 3, p[2] == "$events" {
            guard request.method == .get || request.method == .head else {
                throw FHIRError(.methodNotAllowed, "\(request.method.rawValue) is not allowed on [base]/Subscription/\(p[1])/$events")
            }
            return try await subscriptionEvents(request, id: try resourceID(p[1]))
        }
        let isCreate = p.count == 1 && request.method == .post
        let isUpdate = p.count == 2 && request.method == .put && !p[1].hasPrefix("$") && !p[1].hasPrefix("_")
        guard isCreate || isUpdate else { return nil }
        var request = request
        var resource = try await checkedSubscription(try parseResource(request, expectedType: "Subscription"), access: request.access)
        resource = try await owned(resource, access: request.access, id: isUpdate ? try resourceID(p[1]) : nil)
        request.body = JSON.object(resource).serialized()
        var response = isCreate ? try await create(request, type: "Subscription") : try await update(request, type: "Subscription", id: p[1])
        // The secret is handed out once, when the subscription comes into being (a POST, or a PUT that creates).
        let createdID = isCreate ? response.headers.first(where: { $0.name == "Location" }).flatMap { Self.createdID($0.value) } : p[1]
        if response.status == 201, let log = subscriptionLog, let createdID {
            response.headers.append((NotificationSignature.secretHeaderName, log.secret(for: createdID)))
        }
        return response
    }

    /// A Subscription with its owner recorded, as the server records it whatever the write path (POST, PUT,
    /// conditional PUT, transaction entries): the writer, or on an update of `id` the owner already recorded (an
    /// operator's update leaves someone's subscription theirs). `id` nil for a create, and for a conditional update
    /// (target unknown before its transaction: the writer is recorded, except for an operator, whose body is kept
    /// as sent). Unchanged when the rules are off.
    func owned(_ resource: JSONObject, access: RequestAccess, id: String?, conditional: Bool = false) async throws -> JSONObject {
        guard var owner = Self.ownerCode(access.actor) else { return resource }
        var role = Self.ownerRole(access.actor)
        if conditional, owner == ResourceOwner.operatorOwner { return resource }
        if let id, let current = try await store.read(type: "Subscription", id: id), !current.isDeleted,
           let json = try? JSON.parse(current.content), let recorded = ResourceOwner.owner(of: json) {
            owner = recorded
            role = ResourceOwner.role(of: json)
        }
        return ResourceOwner.stamping(resource, owner: owner, role: role)
    }

    /// `…/Subscription/ID/_history/1` -> `ID`.
    private static func createdID(_ location: String) -> String? {
        let parts = location.split(separator: "/")
        guard let at = parts.lastIndex(of: "Subscription"), at + 1 < parts.count else { return nil }
        return String(parts[at + 1])
    }

    /// 422 naming `Subscription.criteria` unless it is `Type?query` with a known type and a query the search
    /// parser accepts strictly.
    func validateCriteria(_ criteria: String, access: RequestAccess) async throws {
        let definition = SubscriptionDefinition(id: "", json: ["criteria": .string(criteria)])
        guard R4.resourceTypes.contains(definition.criteriaType), definition.criteriaType != "Subscription" else {
            throw FHIRError(.unprocessable, "Subscription.criteria must start with a resource type other than Subscription (e.g. Observation?patient=Patient/123); '\(definition.criteriaType)' is not one",
                            issueType: "invalid", expression: ["Subscription.criteria"])
        }
        do {
            _ = try await parsedCriteria(definition, access: access, strict: true)
        } catch let error as FHIRError {
            throw FHIRError(.unprocessable, issues: error.issues.map { issue in
                var issue = issue
                issue.diagnostics = "Subscription.criteria: " + issue.diagnostics
                issue.expression = ["Subscription.criteria"]
                return issue
            })
        }
    }

    private func parsedCriteria(_ s: SubscriptionDefinition, access: RequestAccess, strict: Bool) async throws -> SearchCondition {
        let items = QueryString.parse(s.criteriaQuery).map { (name: $0.name, value: $0.value) }
        let engine = try await searchEngine()
        let parsed = try await engine.parser.parse(type: s.criteriaType, items: items, strict: strict, now: access.now, context: searchContext(access))
        return parsed.condition
    }

    // MARK: $events

    /// `GET [base]/Subscription/ID/$events[?_count=n]`: the subscription's latest notifications, newest first, as a
    /// Parameters resource (one `event` per notification: number, focus, status, attempts, last error, times).
    /// Owner-scoped like reading the Subscription.
    func subscriptionEvents(_ request: FHIRRequest, id: String) async throws -> FHIRResponse {
        guard let stored = try await store.read(type: "Subscription", id: id), !stored.isDeleted,
              try await mayRead(stored, access: request.access) else {
            throw FHIRError(.notFound, "Subscription/\(id) is not known")
        }
        try requireScope(.read, "Subscription", request.access)
        request.access.trail.touch(stored)
        let count = min(max(Int(request.queryValue("_count") ?? "") ?? 50, 1), 1_000)
        let deliveries = try await subscriptionLog?.recent(subscriptionID: id, limit: count) ?? []
        let json = try JSON.parse(stored.content)
        var parameters: [JSON] = [
            ["name": "subscription", "valueReference": ["reference": .string("Subscription/\(id)")]],
            ["name": "status", "valueCode": .string(json["status"]?.stringValue ?? "")],
        ]
        if let error = json["error"]?.stringValue { parameters.append(["name": "error", "valueString": .string(error)]) }
        for d in deliveries {
            var parts: [JSON] = [
                ["name": "eventNumber", "valueInteger": .number(String(d.event))],
                ["name": "eventId", "valueString": .string(d.eventID)],
                ["name": "focus", "valueReference": ["reference": .string("\(d.resourceType)/\(d.resourceID)/_history/\(d.resourceVersion)")]],
                ["name": "channel", "valueCode": .string(d.channel)],
                ["name": "status", "valueCode": .string(d.status.rawValue)],
                ["name": "attempts", "valueInteger": .number(String(d.attempts))],
                ["name": "created", "valueInstant": .string(FHIRInstant.format(d.createdAt))],
                ["name": "updated", "valueInstant": .string(FHIRInstant.format(d.updatedAt))],
            ]
            if !d.status.isFinal { parts.append(["name": "nextAttempt", "valueInstant": .string(FHIRInstant.format(d.nextAttemptAt))]) }
            if let first = d.firstAttemptAt { parts.append(["name": "firstAttempt", "valueInstant": .string(FHIRInstant.format(first))]) }
            if let delivered = d.deliveredAt { parts.append(["name": "delivered", "valueInstant": .string(FHIRInstant.format(delivered))]) }
            if let error = d.lastError { parts.append(["name": "lastError", "valueString": .string(error)]) }
            parameters.append(["name": "event", "part": .array(parts)])
        }
        let body: JSON = ["resourceType": "Parameters", "parameter": .array(parameters)]
        return FHIRResponse(status: 200, headers: [("Content-Type", FHIRMediaType.fhirJSON)], body: render(body, request))
    }

    // MARK: Capabilities

    /// The CapabilityStatement with the Subscription channels and the websocket URL.
    func addingSubscriptions(to statement: JSON) -> JSON {
        guard case .object(var object) = statement, var rest = object["rest"]?.arrayValue, case .object(var server)? = rest.first,
              var resources = server["resource"]?.arrayValue else { return statement }
        let channels: [JSON] = SubscriptionDefinition.Channel.allCases.map {
            ["url": "https://dossier.health/StructureDefinition/subscription-channel-type", "valueCode": .string($0.rawValue)]
        }
        for (index, resource) in resources.enumerated() where resource["type"]?.stringValue == "Subscription" {
            guard case .object(var entry) = resource else { continue }
            entry["extension"] = .array(channels)
            entry["documentation"] = "Criteria-based R4 Subscriptions on the rest-hook and websocket channels, owned by their creator; GET Subscription/ID/$events lists the delivery log."
            var operations = entry["operation"]?.arrayValue ?? []
            operations.append(["name": "events", "definition": "https://dossier.health/OperationDefinition/Subscription-events"])
            entry["operation"] = .array(operations)
            resources[index] = .object(entry)
        }
        server["resource"] = .array(resources)
        var extensions = server["extension"]?.arrayValue ?? []
        extensions.append(["url": "http://hl7.org/fhir/StructureDefinition/capabilitystatement-websocket", "valueUri": .string(websocketURL)])
        server["extension"] = .array(extensions)
        rest[0] = .object(server)
        object["rest"] = .array(rest)
        return .object(object)
    }

    /// `ws://HOST/fhir/$websocket` for `http://HOST/fhir` (`wss` for `https`).
    public var websocketURL: String {
        let base = configuration.baseURL
        if base.hasPrefix("https://") { return "wss://" + base.dropFirst(8) + "/$websocket" }
        if base.hasPrefix("http://") { return "ws://" + base.dropFirst(7) + "/$websocket" }
        return base + "/$websocket"
    }
}
