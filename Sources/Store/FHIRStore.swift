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
    /// Every version committed after change `sequence`, oldest first, at most `limit` (see ``StoreChange``): the
    /// feed that subscriptions follow with a durable cursor. A change numbered below one already returned is never
    /// committed later, so a reader that resumes after the last sequence it saw misses nothing.
    func changes(after sequence: Int64, limit: Int) async throws -> [StoreChange]
    /// The sequence of the last change committed (0 when nothing was ever written): the end of the feed, read
    /// without reading the changes (a follower with nothing to match can move its cursor there).
    func lastChangeSequence() async throws -> Int64
    /// One page of the current, non-deleted resources matching `query`, in its sort order (then by type and id).
    func search(_ query: SearchQuery) async throws -> SearchPage
    /// How many current, non-deleted resources match `query` (its sort, limit and page are ignored).
    func count(_ query: SearchQuery) async throws -> Int
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
    /// The current, non-deleted resources matching `query` (first page, up to its limit), as seen inside this
    /// transaction.
    func search(_ query: SearchQuery) throws -> [StoredResource]
    /// Writes a new version. The store checks that `version` is exactly one more than the current version
    /// (or 1 for a new resource) and throws ``StoreError/versionConflict`` otherwise (having written nothing).
    /// A `put` that throws for any other reason may have written part of the version: the body must then fail
    /// (rethrow), which rolls the whole body back.
    func put(_ version: NewVersion) throws
    /// Replaces the search index entries of the current version of `type/id` without writing a new version (for
    /// `$reindex`, after a search parameter changed). Does nothing when the resource is absent or deleted: it has
    /// no entries to replace.
    func replaceIndex(type: String, id: String, index: [IndexEntry]) throws
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

/// One committed version in the store's change feed (``FHIRStore/changes(after:limit:)``).
public struct StoreChange: Sendable, Hashable {
    /// The change's number: strictly increasing in commit order, never reused (gaps are allowed).
    public var sequence: Int64
    /// The version written.
    public var resource: StoredResource

    public init(sequence: Int64, resource: StoredResource) {
        self.sequence = sequence; self.resource = resource
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
