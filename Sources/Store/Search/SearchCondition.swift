import FHIRCore

/// A backend-neutral search condition over the current, non-deleted resources: a tree of AND, OR and NOT over
/// matches of index entries, ids, patient records, chains and reverse chains. The Search layer parses a FHIR query
/// into it; the Access layer adds its filters to it; a backend compiles it to one query (never filtering afterwards).
public indirect enum SearchCondition: Sendable, Hashable {
    /// Every condition holds (`.all([])` matches everything).
    case all([SearchCondition])
    /// At least one condition holds (`.any([])` matches nothing).
    case any([SearchCondition])
    /// The condition does not hold.
    case not(SearchCondition)
    /// The resource id is one of these.
    case ids([String])
    /// The resource type is one of these (system-level `_type`).
    case types([String])
    /// The resource belongs to one of these patients' records (its stored patient key).
    case patientRecord([String])
    /// `meta.lastUpdated` (the stored version's instant) compared with the range.
    case lastUpdated(Comparison, DateRange)
    /// The resource has an entry of `param` matching `match`.
    case match(param: String, ValueMatch)
    /// The resource has a composite entry of `param` whose components match the matches, in order.
    case composite(param: String, [ValueMatch])
    /// The resource has no entry of `param` (of the given type) when `missing` is true, some entry when false.
    case missing(param: String, type: SearchParameterType, missing: Bool)
    /// The resource has a reference entry of `param` to a resource of `targetType` that satisfies `condition`
    /// (chained search: `subject:Patient.name=peter`).
    case chain(param: String, targetType: String, SearchCondition)
    /// Some resource of `sourceType` satisfying `condition` has a reference entry of `param` pointing to this
    /// resource (reverse chaining: `_has:Observation:patient:code=1234`).
    case reverseChain(sourceType: String, param: String, SearchCondition)

    /// Matches everything.
    public static let everything = SearchCondition.all([])
    /// Matches nothing.
    public static let nothing = SearchCondition.any([])
}

/// How an index value is matched; each case matches the ``IndexValue`` of the same kind.
public enum ValueMatch: Sendable, Hashable {
    /// `code`, `system|code`, `|code`, `system|`.
    case token(TokenValue)
    /// `:text` on a token: the normalised text contains this (normalised) text.
    case tokenText(String)
    /// `:of-type`: an identifier with this type and value.
    case identifierOfType(typeSystem: String?, typeCode: String, value: String)
    /// A string: `value` is normalised for ``StringMode/startsWith`` and ``StringMode/contains``, as written for
    /// ``StringMode/exact``.
    case string(String, StringMode)
    /// A date entry compared with a range (the search value's implied range).
    case date(Comparison, DateRange)
    /// A number entry compared with the search value.
    case number(Comparison, NumberRange)
    /// A quantity entry compared with the search value, in this system and code (nil: any). Without a system,
    /// `code` matches the entry's code or unit. `canonical`: the value was converted to canonical UCUM units and
    /// matches only canonical entries; otherwise only entries as written.
    case quantity(Comparison, NumberRange, system: String?, code: String?, canonical: Bool = false)
    /// A reference entry.
    case reference(ReferenceMatch)
    /// `:identifier` on a reference.
    case referenceIdentifier(TokenValue)
    /// A uri entry.
    case uri(String, UriMode)
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

/// How a string search value is matched (values normalised by ``SearchText/normalize(_:)`` except for `exact`).
public enum StringMode: Sendable, Hashable {
    /// The normalised entry starts with the value (the default).
    case startsWith
    /// The entry equals the value exactly (`:exact`).
    case exact
    /// The normalised entry contains the value (`:contains`).
    case contains
}

/// How a uri search value is matched.
public enum UriMode: Sendable, Hashable {
    /// The same text.
    case exact
    /// `:below`: the entry starts with the value.
    case below
    /// `:above`: the value starts with the entry.
    case above
}

/// A reference search value.
public enum ReferenceMatch: Sendable, Hashable {
    /// A local reference to `id`, of `type` when given (`Patient/123`, or `123` with `type` nil — any type the
    /// parameter allows). With a `version`, only references to that version (`Patient/123/_history/2`).
    case local(type: String?, id: String, version: String? = nil)
    /// An absolute or canonical URL, optionally with a version (`url|1.0`); without a version a canonical
    /// matches entries of any version.
    case url(String, version: String? = nil)
    /// `:[type]` alone with no id is not valid FHIR; this matches any local reference of this type
    /// (used by `_include` of typed targets and by `:missing`-like checks).
    case anyOfType(String)
}

/// The search prefixes of ordered values (date, number, quantity), with the FHIR R4 range semantics. For a date,
/// with entry range [l, h] and search range [ql, qh]: `eq` l >= ql and h <= qh; `ne` not eq; `gt` h > qh;
/// `lt` l < ql; `ge` gt or eq; `le` lt or eq; `sa` l > qh; `eb` h < ql; `ap` the ranges overlap (the Search
/// layer widens the search range for `ap`). For numbers and quantities, the entry's `value` v is compared with
/// the search range: `eq` ql <= v <= qh; `ne` not eq; `gt` v > value; `lt` v < value; `ge` v >= value;
/// `le` v <= value; `sa` v > qh; `eb` v < ql; `ap` ql <= v <= qh (the Search layer widens the range by 10%).
public enum Comparison: String, Sendable, Hashable, CaseIterable, Codable {
    case eq, ne, gt, lt, ge, le, sa, eb, ap
}
