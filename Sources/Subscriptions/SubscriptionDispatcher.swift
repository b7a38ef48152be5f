import FHIRCore
import Foundation
import Logging
import Store
import Synchronization

/// Follows the store's change feed in order with the durable cursor of the ``DeliveryLog``, matches each change
/// against the active subscriptions (as their owners, through the ``SubscriptionHost``), records the
/// notifications, and delivers them: rest-hook posts in order per subscription with retries over hours
/// (``RetrySchedule``), websocket pings to bound clients with replay after `bind`.
///
/// Subscriptions are known from the feed itself: the Subscription versions are changes like any other, so a
/// subscription matches exactly the changes committed after it was created. Changes to Subscriptions are not
/// matched.
///
/// A change is matched as it was written: the version in the feed (the same bytes a vread of its versionId
/// returns) is judged by the criteria (``SubscriptionHost/matches(_:_:)``), not the resource's state when the
/// dispatcher gets to it, so two quick updates — the first matching, the second not — give one notification, of
/// the first version. A deletion is matched by the live version it deleted: when that version matched, the
/// deletion is announced (the notification's version is the deletion's; see ``RestHookSender`` for what a
/// rest-hook receives, a websocket client gets the usual ping).
public final class SubscriptionDispatcher: Sendable {
    /// How the dispatcher runs.
    public struct Configuration: Sendable {
        /// How often the feed and the due deliveries are looked at.
        public var pollInterval: Duration = .milliseconds(250)
        /// Rest-hook retries.
        public var retry: RetrySchedule = .standard
        /// Changes matched per transaction of the log.
        public var batchSize = 200
        /// The time a rest-hook endpoint has to answer.
        public var requestTimeout: TimeInterval = 10
        /// Where rest-hook notifications may go, checked before every attempt (the server checks the same policy
        /// when a Subscription is written).
        public var endpointPolicy = EndpointPolicy()
        public init() {}
    }

    /// A subscription as the dispatcher tracks it.
    struct Tracked: Sendable {
        var definition: SubscriptionDefinition
        /// Changes at or before this instant predate the subscription.
        var since: Date
    }

    let store: any FHIRStore
    /// The delivery log.
    public let log: DeliveryLog
    let host: any SubscriptionHost
    /// The websocket clients.
    public let hub: WebSocketHub
    let sender: RestHookSender
    let configuration: Configuration
    let logger: Logger
    private let tracked = Mutex<[String: Tracked]?>(nil)
    private let postingTo = Mutex<Set<String>>([])

    public init(store: any FHIRStore, log: DeliveryLog, host: any SubscriptionHost, hub: WebSocketHub = WebSocketHub(),
                configuration: Configuration = Configuration(), logger: Logger = Logger(label: "dossier.subscriptions")) {
        self.store = store
        self.log = log
        self.host = host
        self.hub = hub
        self.configuration = configuration
        self.sender = RestHookSender(timeout: configuration.requestTimeout, policy: configuration.endpointPolicy)
        self.logger = logger
    }

    /// Runs until the task is cancelled.
    public func run() async {
        while !Task.isCancelled {
            do {
                while try await followFeed() {}
                try await deliverDue()
            } catch {
                logger.warning("subscription dispatch: \(error)")
            }
            try? await Task.sleep(for: configuration.pollInterval)
        }
        await sender.shutdown()
    }

    // MARK: Matching

    /// Matches one batch of changes after the cursor; true when there may be more.
    func followFeed() async throws -> Bool {
        let cursor = try await log.cursor()
        if try await skipIdleFeed(from: cursor) { return true }
        var subscriptions = try await loadSubscriptions()
        let changes = try await store.changes(after: cursor, limit: configuration.batchSize)
        guard let last = changes.last else { return false }
        var deliveries: [DeliveryLog.NewDelivery] = []
        for change in changes {
            let resource = change.resource
            if resource.type == "Subscription" {
                apply(resource, to: &subscriptions)
                continue
            }
            let candidates = subscriptions.sorted(by: { $0.key < $1.key }).filter { _, entry in
                entry.definition.isActive && entry.definition.criteriaType == resource.type && resource.lastUpdated > entry.since
            }
            guard !candidates.isEmpty, let judged = try await versionToMatch(resource) else { continue }
            for (id, entry) in candidates {
                let s = entry.definition
                guard let channel = s.channel else { continue }
                do {
                    if try await host.matches(s, judged) {
                        deliveries.append(.init(subscriptionID: id, channel: channel, resource: resource, changeSequence: change.sequence))
                    }
                } catch let error as FHIRError {
                    logger.warning("Subscription/\(id): criteria cannot be run: \(error)")
                    subscriptions[id]?.definition.status = "error"
                    try await host.setStatus(subscriptionID: id, status: "error", error: "The criteria cannot be run: " + error.issues.map(\.diagnostics).joined(separator: "; "))
                }
            }
        }
        try await log.record(through: last.sequence, deliveries: deliveries, now: Date())
        tracked.withLock { $0 = subscriptions }
        return changes.count == configuration.batchSize
    }

    /// With no subscription, the feed's changes concern nobody: rather than reading each one (the first `serve`
    /// after an import would read every version written), the cursor moves to the feed's end. Only when more than
    /// a batch is behind and no subscription is known; the subscriptions are then reloaded from the store *after*
    /// the end was read, so one written before the end is found (and nothing is skipped) and one written after it
    /// comes later in the feed. True when the cursor moved. `known`: the cursor, when the caller has read it.
    func skipIdleFeed(from known: Int64? = nil) async throws -> Bool {
        guard tracked.withLock({ $0?.isEmpty ?? true }) else { return false }
        let cursor = if let known { known } else { try await log.cursor() }
        let end = try await store.lastChangeSequence()
        guard end - cursor > Int64(configuration.batchSize) else { return false }
        tracked.withLock { $0 = nil }
        guard try await loadSubscriptions().isEmpty else { return false }
        try await log.record(through: end, deliveries: [], now: Date())
        return true
    }

    /// The version a change is judged by: the version it wrote, or for a deletion the live version it deleted
    /// (nil when there is none: nothing to announce).
    private func versionToMatch(_ change: StoredResource) async throws -> StoredResource? {
        guard change.isDeleted else { return change }
        guard change.version > 1, let deleted = try await store.vread(type: change.type, id: change.id, version: change.version - 1),
              !deleted.isDeleted else { return nil }
        return deleted
    }

    /// The subscriptions as of the cursor: loaded from the store on first use, then kept up to date from the feed.
    private func loadSubscriptions() async throws -> [String: Tracked] {
        if let known = tracked.withLock({ $0 }) { return known }
        var result: [String: Tracked] = [:]
        var position = PagePosition.first
        while true {
            let page = try await store.search(SearchQuery(type: "Subscription", condition: .everything, limit: 500, page: position))
            for stored in page.resources {
                guard let json = try? JSON.parse(stored.content) else { continue }
                let created = try await store.vread(type: "Subscription", id: stored.id, version: 1)?.lastUpdated ?? stored.lastUpdated
                result[stored.id] = Tracked(definition: SubscriptionDefinition(id: stored.id, json: json), since: created)
            }
            guard page.hasMore, let last = page.cursors.last else { break }
            position = .after(last)
        }
        tracked.withLock { $0 = result }
        return result
    }

    private func apply(_ resource: StoredResource, to subscriptions: inout [String: Tracked]) {
        guard !resource.isDeleted, let json = try? JSON.parse(resource.content) else {
            subscriptions[resource.id] = nil
            return
        }
        let definition = SubscriptionDefinition(id: resource.id, json: json)
        let since = subscriptions[resource.id]?.since ?? resource.lastUpdated
        subscriptions[resource.id] = Tracked(definition: definition, since: since)
    }

    /// The subscription as last seen in the feed.
    func subscription(_ id: String) -> SubscriptionDefinition? {
        tracked.withLock { $0?[id]?.definition }
    }

    // MARK: Delivery

    /// Starts the deliveries that are due: one rest-hook sequence per subscription at a time (in the background),
    /// the websocket pings to bound clients.
    func deliverDue() async throws {
        for id in try await log.subscriptionsWithOpenDeliveries() {
            guard let s = subscription(id), s.isActive else { continue }
            switch s.channel {
            case .restHook?:
                let started = postingTo.withLock { $0.insert(id).inserted }
                guard started else { continue }
                Task {
                    defer { _ = postingTo.withLock { $0.remove(id) } }
                    do { try await deliverRestHook(s) } catch { logger.warning("Subscription/\(id): \(error)") }
                }
            case .websocket?:
                try await deliverWebSocket(s)
            case nil:
                continue
            }
        }
    }

    /// Posts a subscription's due notifications in order; stops at the first failure (its retry waits).
    func deliverRestHook(_ s: SubscriptionDefinition) async throws {
        while !Task.isCancelled {
            let open = try await log.openDeliveries(subscriptionID: s.id, limit: 20)
            guard !open.isEmpty else { return }
            for delivery in open {
                let now = Date()
                guard delivery.nextAttemptAt <= now else { return }
                let event: RestHookSender.Event
                switch try await host.notificationContent(s, type: delivery.resourceType, id: delivery.resourceID, version: delivery.resourceVersion) {
                case nil:
                    try await withhold(delivery, now: now)
                    continue
                case .resource(let content)?:
                    event = .changed(body: s.payload == nil ? [] : content)
                case .deleted?:
                    event = .deleted(resource: "\(delivery.resourceType)/\(delivery.resourceID)")
                }
                switch await sender.post(s, delivery, event: event, secret: log.secret(for: s.id), now: now) {
                case .delivered:
                    try await log.update(delivery, status: .delivered, attempted: true, error: nil, now: Date())
                case .failed(let reason):
                    let attempts = delivery.attempts + 1
                    let first = delivery.firstAttemptAt ?? now
                    if let next = configuration.retry.nextAttempt(afterAttempts: attempts, firstAttempt: first, now: Date()) {
                        logger.info("Subscription/\(s.id) event \(delivery.event): attempt \(attempts) failed (\(reason)); next at \(next)")
                        try await log.update(delivery, status: .pending, attempted: true, error: reason, nextAttempt: next, now: Date())
                    } else {
                        let why = "Gave up on event \(delivery.event) after \(attempts) attempts over \(Int(Date().timeIntervalSince(first))) s: \(reason)"
                        logger.warning("Subscription/\(s.id): \(why)")
                        try await log.update(delivery, status: .failed, attempted: true, error: why, now: Date())
                        try await host.setStatus(subscriptionID: s.id, status: "error", error: why)
                        tracked.withLock { $0?[s.id]?.definition.status = "error" }
                    }
                    return
                }
            }
        }
    }

    /// Sends a bound client the pending pings, in order: `ping <subscription id> <event>`.
    func deliverWebSocket(_ s: SubscriptionDefinition) async throws {
        guard await hub.connection(of: s.id) != nil else { return }
        for delivery in try await log.openDeliveries(subscriptionID: s.id, limit: 100) where delivery.status == .pending {
            let now = Date()
            guard try await host.notificationContent(s, type: delivery.resourceType, id: delivery.resourceID, version: delivery.resourceVersion) != nil else {
                try await withhold(delivery, now: now)
                continue
            }
            guard await hub.send(s.id, "ping \(s.id) \(delivery.event)") else { return }
            try await log.update(delivery, status: .sent, attempted: true, error: nil, now: now)
        }
    }

    /// Records that a notification was not sent: the owner may not read what it announces (now).
    private func withhold(_ delivery: Delivery, now: Date) async throws {
        try await log.update(delivery, status: .withheld, attempted: false,
                             error: "The owner may not read \(delivery.resourceType)/\(delivery.resourceID) at delivery time", now: now)
    }
}
