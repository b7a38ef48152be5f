import FHIRCore

/// A backend-neutral search: the resources of `type` (all types when nil) matching `condition`, sorted by `sort`
/// then by type and id, one page at a time.
public struct SearchQuery: Sendable, Hashable {
    /// The resource type searched; `nil` for a system-level search.
    public var type: String?
    /// What the resources must satisfy.
    public var condition: SearchCondition
    /// Sort keys, most significant first. Ties (and an empty list) are ordered by type, then id.
    public var sort: [SortKey]
    /// Maximum number of results of this page; `nil` for all.
    public var limit: Int?
    /// Where the page starts.
    public var page: PagePosition

    public init(type: String?, condition: SearchCondition = .everything, sort: [SortKey] = [], limit: Int? = nil,
                page: PagePosition = .first) {
        self.type = type; self.condition = condition; self.sort = sort; self.limit = limit; self.page = page
    }

    /// The `_id` and token subset used by conditional interactions: ids OR-ed, each token condition's values
    /// OR-ed, the conditions AND-ed.
    public init(type: String?, ids: [String] = [], tokens: [TokenCondition] = [], limit: Int? = nil) {
        var parts: [SearchCondition] = []
        if !ids.isEmpty { parts.append(.ids(ids)) }
        for token in tokens {
            parts.append(.any(token.values.map { .match(param: token.param, .token($0)) }))
        }
        self.init(type: type, condition: parts.count == 1 ? parts[0] : .all(parts), limit: limit)
    }
}

/// One token search parameter with its OR-ed values (a convenience for building ``SearchQuery``).
public struct TokenCondition: Sendable, Hashable {
    public var param: String
    public var values: [TokenValue]
    public init(param: String, values: [TokenValue]) { self.param = param; self.values = values }
}

/// A sort key.
public struct SortKey: Sendable, Hashable {
    public enum Field: Sendable, Hashable {
        /// The resource id.
        case id
        /// `meta.lastUpdated`.
        case lastUpdated
        /// A search parameter: ascending sorts on the smallest entry of the resource (the low bound of dates and
        /// numbers, the normalised text of strings, the code of tokens, `type/id` or url of references), descending on the
        /// largest (the high bound). Resources without an entry come last in both directions.
        case param(String, SearchParameterType)
    }
    public var field: Field
    public var descending: Bool
    public init(_ field: Field, descending: Bool = false) { self.field = field; self.descending = descending }
}

/// Where a page starts: keyset paging, so that pages stay consistent while data changes (no resource is listed
/// twice or skipped because others were added or removed).
public enum PagePosition: Sendable, Hashable {
    /// The first page.
    case first
    /// The resources strictly after this cursor in the sort order.
    case after(SearchCursor)
    /// The resources strictly before this cursor (the page before), still returned in the sort order.
    case before(SearchCursor)
}

/// The position of one resource in a sort order: its sort values, then its type and id. Opaque to clients (the
/// server encodes it in page links).
public struct SearchCursor: Sendable, Hashable, Codable {
    /// One value per ``SearchQuery/sort`` key (`nil` when the resource has none).
    public var values: [SortValue?]
    public var type: String
    public var id: String
    public init(values: [SortValue?], type: String, id: String) { self.values = values; self.type = type; self.id = id }
}

/// A sort value as a backend computed it.
public enum SortValue: Sendable, Hashable, Codable {
    case text(String)
    case integer(Int64)
    case real(Double)
}

/// One page of search results.
public struct SearchPage: Sendable, Hashable {
    /// The resources of the page, in sort order.
    public var resources: [StoredResource]
    /// The cursor of each resource (same order), for page links.
    public var cursors: [SearchCursor]
    /// Whether more resources follow the page (for `.first` and `.after`) or precede it (for `.before`).
    public var hasMore: Bool
    public init(resources: [StoredResource], cursors: [SearchCursor], hasMore: Bool) {
        self.resources = resources; self.cursors = cursors; self.hasMore = hasMore
    }
}
