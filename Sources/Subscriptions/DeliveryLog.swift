import Foundation
import GRDB
import SQLiteDurability
import Store

/// The durable state of subscription delivery, in its own SQLite file (`subscriptions.sqlite` in the data folder;
/// GRDB, WAL, `synchronous=FULL`): the cursor in the store's change feed, each subscription's last event number,
/// and one row per notification (``Delivery``) with its attempts, status, next attempt time and last error.
///
/// Matching a change and moving the cursor past it are one transaction (``record(through:deliveries:now:)``), so a
/// restart resumes after the last change recorded: nothing is lost and nothing is recorded twice. A delivery is
/// marked delivered only once acknowledged, so what was in flight at a crash is sent again (receivers de-duplicate
/// by the event id).
public final class DeliveryLog: Sendable {
    /// The file name in the data folder.
    public static let defaultFileName = "subscriptions.sqlite"

    private let pool: DatabasePool
    /// The key subscription secrets are derived from (``NotificationSignature/secret(masterKey:subscriptionID:)``).
    private let masterKey: [UInt8]

    /// Opens (creating if missing) the log at `path`, mode 0600 (it holds the key of the secrets).
    public init(path: String) throws {
        let manager = FileManager.default
        try manager.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        if !manager.fileExists(atPath: path) {
            _ = manager.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        pool = try DatabasePool(path: path, configuration: configuration)
        if let problem = try pool.setSynchronousFull() {
            throw StoreError.unavailable("subscriptions.sqlite: \(problem)")
        }
        try Self.migrator.migrate(pool)
        masterKey = try pool.write { db in
            if let key = try Data.fetchOne(db, sql: "SELECT value FROM setting WHERE name = 'secret-key'") { return [UInt8](key) }
            var generator = SystemRandomNumberGenerator()
            let key = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
            try db.execute(sql: "INSERT INTO setting (name, value) VALUES ('secret-key', ?)", arguments: [Data(key)])
            return key
        }
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1 cursor, events and deliveries") { db in
            try db.execute(sql: """
                CREATE TABLE setting (name TEXT PRIMARY KEY NOT NULL, value BLOB NOT NULL) STRICT;
                CREATE TABLE feed_cursor (id INTEGER PRIMARY KEY CHECK (id = 1), sequence INTEGER NOT NULL CHECK (sequence >= 0)) STRICT;
                INSERT INTO feed_cursor (id, sequence) VALUES (1, 0);
                CREATE TABLE subscription_event (subscription_id TEXT PRIMARY KEY NOT NULL, last_event INTEGER NOT NULL) STRICT;
                CREATE TABLE delivery (
                    subscription_id TEXT NOT NULL,
                    event INTEGER NOT NULL CHECK (event >= 1),
                    change_sequence INTEGER NOT NULL,
                    resource_type TEXT NOT NULL,
                    resource_id TEXT NOT NULL,
                    resource_version INTEGER NOT NULL,
                    channel TEXT NOT NULL CHECK (channel IN ('rest-hook', 'websocket')),
                    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'delivered', 'failed', 'withheld')),
                    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
                    next_attempt_at INTEGER NOT NULL,
                    first_attempt_at INTEGER,
                    last_error TEXT,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    delivered_at INTEGER,
                    PRIMARY KEY (subscription_id, event),
                    UNIQUE (subscription_id, change_sequence)
                ) STRICT, WITHOUT ROWID;
                CREATE INDEX delivery_open ON delivery (subscription_id, event) WHERE status IN ('pending', 'sent');
                """)
        }
        return migrator
    }

    /// A notification to record.
    public struct NewDelivery: Sendable {
        public var subscriptionID: String
        public var channel: SubscriptionDefinition.Channel
        public var resource: StoredResource
        public var changeSequence: Int64
        public init(subscriptionID: String, channel: SubscriptionDefinition.Channel, resource: StoredResource, changeSequence: Int64) {
            self.subscriptionID = subscriptionID; self.channel = channel; self.resource = resource; self.changeSequence = changeSequence
        }
    }

    /// The last store change already matched.
    public func cursor() async throws -> Int64 {
        try await pool.read { db in try Int64.fetchOne(db, sql: "SELECT sequence FROM feed_cursor WHERE id = 1") ?? 0 }
    }

    /// Records `deliveries` (each numbered next for its subscription) and moves the cursor to `sequence`, in one
    /// durable transaction.
    public func record(through sequence: Int64, deliveries: [NewDelivery], now: Date) async throws {
        let micros = now.micros
        try await pool.write { db in
            for d in deliveries {
                let last = try Int64.fetchOne(db, sql: "SELECT last_event FROM subscription_event WHERE subscription_id = ?", arguments: [d.subscriptionID]) ?? 0
                let event = last + 1
                try db.execute(sql: "INSERT INTO subscription_event (subscription_id, last_event) VALUES (?, ?) ON CONFLICT (subscription_id) DO UPDATE SET last_event = excluded.last_event",
                               arguments: [d.subscriptionID, event])
                try db.execute(sql: """
                    INSERT INTO delivery (subscription_id, event, change_sequence, resource_type, resource_id, resource_version, channel,
                                          status, attempts, next_attempt_at, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)
                    """, arguments: [d.subscriptionID, event, d.changeSequence, d.resource.type, d.resource.id, d.resource.version,
                                     d.channel.rawValue, micros, micros, micros])
            }
            try db.execute(sql: "UPDATE feed_cursor SET sequence = max(sequence, ?) WHERE id = 1", arguments: [sequence])
        }
    }

    /// The subscriptions that have undelivered notifications.
    public func subscriptionsWithOpenDeliveries() async throws -> [String] {
        try await pool.read { db in
            try String.fetchAll(db, sql: "SELECT DISTINCT subscription_id FROM delivery WHERE status IN ('pending', 'sent') ORDER BY subscription_id")
        }
    }

    /// A subscription's undelivered notifications (pending or sent), oldest first.
    public func openDeliveries(subscriptionID: String, limit: Int) async throws -> [Delivery] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM delivery WHERE subscription_id = ? AND status IN ('pending', 'sent') ORDER BY event LIMIT ?",
                             arguments: [subscriptionID, limit]).map(Delivery.init(row:))
        }
    }

    /// A subscription's most recent notifications, newest first (for `$events`).
    public func recent(subscriptionID: String, limit: Int) async throws -> [Delivery] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM delivery WHERE subscription_id = ? ORDER BY event DESC LIMIT ?",
                             arguments: [subscriptionID, limit]).map(Delivery.init(row:))
        }
    }

    /// Records an attempt's result: `status` with the attempt counted (`attempted`), the error, the next attempt.
    public func update(_ delivery: Delivery, status: Delivery.Status, attempted: Bool, error: String?, nextAttempt: Date? = nil, now: Date) async throws {
        let micros = now.micros
        try await pool.write { db in
            try db.execute(sql: """
                UPDATE delivery SET status = ?, attempts = attempts + ?, last_error = coalesce(?, last_error),
                    next_attempt_at = coalesce(?, next_attempt_at), first_attempt_at = coalesce(first_attempt_at, ?),
                    delivered_at = CASE WHEN ? = 'delivered' THEN ? ELSE delivered_at END, updated_at = ?
                WHERE subscription_id = ? AND event = ?
                """, arguments: [status.rawValue, attempted ? 1 : 0, error, nextAttempt?.micros, attempted ? micros : nil,
                                 status.rawValue, micros, micros, delivery.subscriptionID, delivery.event])
        }
    }

    /// Marks a subscription's sent notifications up to `event` delivered (a websocket `ack`, cumulative). Returns how many.
    @discardableResult
    public func acknowledge(subscriptionID: String, through event: Int64, now: Date) async throws -> Int {
        let micros = now.micros
        return try await pool.write { db in
            try db.execute(sql: "UPDATE delivery SET status = 'delivered', delivered_at = ?, updated_at = ? WHERE subscription_id = ? AND event <= ? AND status = 'sent'",
                           arguments: [micros, micros, subscriptionID, event])
            return db.changesCount
        }
    }

    /// Puts a subscription's sent but unacknowledged notifications back to pending (on `bind`: they are replayed).
    public func requeueSent(subscriptionID: String, now: Date) async throws {
        let micros = now.micros
        try await pool.write { db in
            try db.execute(sql: "UPDATE delivery SET status = 'pending', updated_at = ? WHERE subscription_id = ? AND status = 'sent'",
                           arguments: [micros, subscriptionID])
        }
    }

    /// The subscription's signing secret (see ``NotificationSignature``).
    public func secret(for subscriptionID: String) -> String {
        NotificationSignature.secret(masterKey: masterKey, subscriptionID: subscriptionID)
    }

    /// Closes the file.
    public func close() throws { try pool.close() }
}

extension Delivery {
    init(row: Row) {
        subscriptionID = row["subscription_id"]
        event = row["event"]
        changeSequence = row["change_sequence"]
        resourceType = row["resource_type"]
        resourceID = row["resource_id"]
        resourceVersion = row["resource_version"]
        channel = row["channel"]
        status = Status(rawValue: row["status"]) ?? .pending
        attempts = row["attempts"]
        nextAttemptAt = Date(micros: row["next_attempt_at"])
        firstAttemptAt = (row["first_attempt_at"] as Int64?).map(Date.init(micros:))
        lastError = row["last_error"]
        createdAt = Date(micros: row["created_at"])
        updatedAt = Date(micros: row["updated_at"])
        deliveredAt = (row["delivered_at"] as Int64?).map(Date.init(micros:))
    }
}

extension Date {
    var micros: Int64 { Int64((timeIntervalSince1970 * 1_000_000).rounded(.down)) }
    init(micros: Int64) { self.init(timeIntervalSince1970: Double(micros) / 1_000_000) }
}
