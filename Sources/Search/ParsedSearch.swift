import FHIRCore
import Store

/// A FHIR search query string, understood: the condition for the store, and the parameters that shape the result
/// (types, sort, page size, total, summary, elements, includes), with the issues to report in the Bundle.
public struct ParsedSearch: Sendable {
    /// The AND of every criterion (`.everything` when there are none).
    public var condition: SearchCondition
    /// `_type` of a system search; empty means all types.
    public var types: [String]
    /// `_sort` keys, most significant first.
    public var sort: [SortKey]
    /// `_count`, or the default page size; capped at the maximum.
    public var count: Int
    /// `_total`.
    public var total: TotalMode?
    /// `_summary`.
    public var summary: SummaryMode?
    /// `_elements`.
    public var elements: [String]?
    /// `_include`s.
    public var includes: [IncludeParameter]
    /// `_revinclude`s.
    public var revincludes: [IncludeParameter]
    /// Warnings and information for the client: ignored parameters (lenient handling), a capped `_count`...
    public var issues: [FHIRError.Issue]
    /// The parameters that were understood and applied, as given, for the Bundle's self link.
    public var canonicalItems: [(name: String, value: String)]

    public init(condition: SearchCondition = .everything, types: [String] = [], sort: [SortKey] = [], count: Int,
                total: TotalMode? = nil, summary: SummaryMode? = nil, elements: [String]? = nil,
                includes: [IncludeParameter] = [], revincludes: [IncludeParameter] = [],
                issues: [FHIRError.Issue] = [], canonicalItems: [(name: String, value: String)] = []) {
        self.condition = condition; self.types = types; self.sort = sort; self.count = count; self.total = total
        self.summary = summary; self.elements = elements; self.includes = includes; self.revincludes = revincludes
        self.issues = issues; self.canonicalItems = canonicalItems
    }
}

/// `_total`: whether and how precisely the Bundle states the number of matches.
public enum TotalMode: String, Sendable, Hashable, CaseIterable {
    case none, estimate, accurate
}

/// `_summary`: which part of each resource is returned.
public enum SummaryMode: String, Sendable, Hashable, CaseIterable {
    case `true`, text, data, count, `false`
}

/// One `_include` or `_revinclude`: resources of `sourceType` referring through `param` (every reference
/// parameter when nil, `*`) to resources of `targetType` (any when nil).
public struct IncludeParameter: Sendable, Hashable {
    /// The type holding the reference (`Observation` in `Observation:subject`).
    public var sourceType: String
    /// The reference parameter; nil for `*`.
    public var param: String?
    /// The target type (`Patient` in `Observation:subject:Patient`), nil for any.
    public var targetType: String?
    /// `:iterate`: also applied to the included resources.
    public var iterate: Bool

    public init(sourceType: String, param: String?, targetType: String? = nil, iterate: Bool = false) {
        self.sourceType = sourceType; self.param = param; self.targetType = targetType; self.iterate = iterate
    }
}
