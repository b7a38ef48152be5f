import FHIRCore
import Foundation

/// The narrow, verb-based storage facade every backend implements (SQLite embedded, PostgreSQL in production).
///
/// Reads run concurrently. Writes run through ``write(_:)``: the body executes synchronously inside one
/// serializable transaction and either commits whole or changes nothing. A backend may run several bodies in one
/// physical commit (group commit), but each body is isolated by a savepoint: a body that throws is rolled back
/// alone. `write` returns only after the commit is durable (synchronous=FULL for SQLite).
///
/// Conditional operations, version checks and transaction bundles are written once, above the store, in terms of
/// ``StoreTransaction`` (see FHIRServer); the backends only provide these verbs.
public protocol FHIRStore: Sendable {
    /// The current version of `type/id`: a live resource, a deletion tombstone (`isDeleted`), or `nil` if never written.
    func read(type: String, id: String) async throws -> StoredResource?
    /// One version of `type/id`, `nil` if that version does not exist.
    func vread(type: String, id: String, version: Int) async throws -> StoredResource?
    /// History entries, newest first (see ``HistoryQuery``).
    func history(_ query: HistoryQuery) async throws -> HistoryPage
    /// The current, non-deleted resources matching `query`, in a stable order (by type, then id).
    func search(_ query: SearchQuery) async throws -> [StoredResource]
    /// Runs `body` in one atomic write transaction and returns its result once the commit is durable.
    func write<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T
    /// Releases connections. Further calls fail.
    func close() async throws
}

/// The verbs available inside a write transaction (synchronous: the body runs on the backend's writer).
public protocol StoreTransaction {
    /// The instant this transaction writes as `meta.lastUpdated` (one per body, strictly increasing per store).
    var timestamp: Date { get }
    /// The current version of `type/id` as seen inside this transaction (including earlier puts of this transaction).
    func read(type: String, id: String) throws -> StoredResource?
    /// The current, non-deleted resources matching `query`, as seen inside this transaction.
    func search(_ query: SearchQuery) throws -> [StoredResource]
    /// Writes a new version. The store checks that `version` is exactly one more than the current version
    /// (or 1 for a new resource) and throws ``StoreError/versionConflict`` otherwise (having written nothing).
    /// A `put` that throws for any other reason may have written part of the version: the body must then fail
    /// (rethrow), which rolls the whole body back.
    func put(_ version: NewVersion) throws
}

/// A resource version as stored.
public struct StoredResource: Sendable, Hashable {
    public var type: String
    public var id: String
    public var version: Int
    /// `meta.lastUpdated` of this version.
    public var lastUpdated: Date
    /// The interaction that produced this version (for history entries' `request.method`).
    public var method: WriteMethod
    /// The resource JSON exactly as stored (with `id`, `meta.versionId`, `meta.lastUpdated`); empty for a deletion.
    public var content: [UInt8]
    /// The patient whose record this resource belongs to (`""` for shared resources).
    public var patientKey: String

    public var isDeleted: Bool { method == .delete }

    public init(type: String, id: String, version: Int, lastUpdated: Date, method: WriteMethod, content: [UInt8], patientKey: String) {
        self.type = type; self.id = id; self.version = version; self.lastUpdated = lastUpdated
        self.method = method; self.content = content; self.patientKey = patientKey
    }
}

/// How a version came to be.
public enum WriteMethod: String, Sendable, Hashable, Codable {
    case create = "POST"
    case update = "PUT"
    case delete = "DELETE"
    case patch = "PATCH"
}

/// A version to write inside a ``StoreTransaction``.
public struct NewVersion: Sendable, Hashable {
    public var type: String
    public var id: String
    public var version: Int
    public var method: WriteMethod
    /// The final JSON (with `id`, `meta.versionId`, `meta.lastUpdated` already set); empty for a deletion.
    public var content: [UInt8]
    /// The owning patient (`""` for shared resources). A resource's key may change between versions.
    public var patientKey: String
    /// The search index entries of this version (replaces the previous version's entries; ignored for deletions).
    public var index: [IndexEntry]

    public init(type: String, id: String, version: Int, method: WriteMethod, content: [UInt8], patientKey: String, index: [IndexEntry]) {
        self.type = type; self.id = id; self.version = version; self.method = method
        self.content = content; self.patientKey = patientKey; self.index = index
    }
}

/// One search index entry of a resource version. Issue #4 adds the other parameter types.
public enum IndexEntry: Sendable, Hashable {
    /// A token: `system` may be nil (no system) ; `code` is the code/value.
    case token(param: String, system: String?, code: String)
}

/// A backend-neutral search: all conditions must hold (AND); values inside one condition are alternatives (OR).
public struct SearchQuery: Sendable, Hashable {
    /// The resource type searched; `nil` for a system-level search.
    public var type: String?
    /// `_id` values (OR); empty means no restriction.
    public var ids: [String]
    /// Token conditions, AND-ed.
    public var tokens: [TokenCondition]
    /// Maximum number of results; `nil` for all.
    public var limit: Int?

    public init(type: String?, ids: [String] = [], tokens: [TokenCondition] = [], limit: Int? = nil) {
        self.type = type; self.ids = ids; self.tokens = tokens; self.limit = limit
    }
}

/// One token search parameter with its OR-ed values.
public struct TokenCondition: Sendable, Hashable {
    public var param: String
    public var values: [TokenValue]
    public init(param: String, values: [TokenValue]) { self.param = param; self.values = values }
}

/// A token value as written in a query: `code`, `system|code`, `|code` (no system) or `system|`.
public struct TokenValue: Sendable, Hashable {
    public enum SystemMatch: Sendable, Hashable {
        /// `code`: any system.
        case any
        /// `|code`: the entry has no system.
        case none
        /// `system|code` or `system|`.
        case exactly(String)
    }
    public var system: SystemMatch
    /// `nil` for `system|` (any code in that system).
    public var code: String?
    public init(system: SystemMatch, code: String?) { self.system = system; self.code = code }
}

/// Which history to list.
public struct HistoryQuery: Sendable, Hashable {
    public enum Scope: Sendable, Hashable {
        case system
        case type(String)
        case instance(type: String, id: String)
    }
    public var scope: Scope
    /// Only versions with lastUpdated strictly after this instant (`_since`).
    public var since: Date?
    /// Only versions current at this instant: lastUpdated <= at (`_at`, and the snapshot that pins paging).
    public var at: Date?
    /// Page size.
    public var count: Int
    /// Opaque cursor from a previous ``HistoryPage/nextCursor``; `nil` for the first page.
    public var cursor: Int64?

    public init(scope: Scope, since: Date? = nil, at: Date? = nil, count: Int, cursor: Int64? = nil) {
        self.scope = scope; self.since = since; self.at = at; self.count = count; self.cursor = cursor
    }
}

/// One page of history, newest first.
public struct HistoryPage: Sendable, Hashable {
    public var entries: [StoredResource]
    /// The total number of matching versions (all pages).
    public var total: Int
    /// The cursor of the next page, `nil` on the last page.
    public var nextCursor: Int64?
    public init(entries: [StoredResource], total: Int, nextCursor: Int64?) {
        self.entries = entries; self.total = total; self.nextCursor = nextCursor
    }
}

/// Errors a store throws.
public enum StoreError: Error, Sendable, Hashable {
    /// `put` with a version that is not current+1 (a concurrent writer got there first).
    case versionConflict(type: String, id: String, expected: Int, found: Int)
    /// The store is closed or the database is unusable.
    case unavailable(String)
}
