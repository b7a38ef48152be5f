import FHIRCore
import Foundation
import Store

/// Decides whether one resource version satisfies a ``Store/SearchCondition``, from that version's own index
/// entries: what a store search answers for a current version, answered for any version (a store indexes only
/// the current one, and a change must be matched as it was written, not as the resource is when the dispatcher
/// gets to it).
///
/// Every condition on the resource itself is decided here, with the semantics the store conformance suite fixes
/// (SQLite's `SQLiteSearchCompiler` is the reference: text compared as UTF-8 bytes, string prefixes and
/// `:contains` on the normalised text, date ranges and number comparisons as in ``Store/Comparison``, quantities
/// as written or canonical, references local or by URL). Conditions about *other* resources — chains and
/// reverse chains — are asked of the store through ``exists``: those resources exist only as they are now.
public struct VersionMatcher: Sendable {
    /// The version judged (type, id, patient key, `lastUpdated`).
    public var version: StoredResource
    /// Its index entries, as the store would hold them were it current.
    public var entries: [IndexEntry]
    /// Whether a current, live resource of the type satisfies the condition (a store search with limit 1).
    public var exists: @Sendable (_ type: String, _ condition: SearchCondition) async throws -> Bool

    public init(version: StoredResource, entries: [IndexEntry],
                exists: @escaping @Sendable (_ type: String, _ condition: SearchCondition) async throws -> Bool) {
        self.version = version
        self.entries = entries
        self.exists = exists
    }

    /// Whether the version satisfies `condition`.
    public func matches(_ condition: SearchCondition) async throws -> Bool {
        switch condition {
        case .all(let parts):
            for part in parts where !(try await matches(part)) { return false }
            return true
        case .any(let parts):
            for part in parts where try await matches(part) { return true }
            return false
        case .not(let inner):
            return !(try await matches(inner))
        case .ids(let ids):
            return ids.contains(version.id)
        case .types(let types):
            return types.contains(version.type)
        case .patientRecord(let keys):
            return keys.contains(version.patientKey)
        case .lastUpdated(let comparison, let range):
            let instant = Int64((version.lastUpdated.timeIntervalSince1970 * 1_000_000).rounded())
            return Self.compare(comparison, range, low: instant, high: instant)
        case .match(let param, let match):
            let wanted = Self.stored(match, param: param)
            return entries.contains { Self.stored($0) == wanted && Self.value($0.value, matches: match) }
        case .composite(let param, let matches):
            return entries.contains { entry in
                guard entry.param == param, case .composite(let components) = entry.value, components.count >= matches.count else { return false }
                return zip(matches, components).allSatisfy { Self.value($1, matches: $0) }
            }
        case .missing(let param, let type, let missing):
            let tables = Self.tables(of: type)
            let present = entries.contains { entry in
                let (table, stored) = Self.stored(entry)
                return stored == param && tables.contains(table)
            }
            return present != missing
        case .chain(let param, let targetType, let inner):
            var targets: [String] = []
            for entry in entries where entry.param == param {
                guard case .reference(let reference) = entry.value, (reference.url ?? "").isEmpty, reference.type == targetType,
                      let id = reference.id, !id.isEmpty, !targets.contains(id) else { continue }
                targets.append(id)
            }
            guard !targets.isEmpty else { return false }
            return try await exists(targetType, .all([.ids(targets), inner]))
        case .reverseChain(let sourceType, let param, let inner):
            let pointing = SearchCondition.match(param: param, .reference(.local(type: version.type, id: version.id)))
            return try await exists(sourceType, .all([pointing, inner]))
        }
    }

    // MARK: Where entries are kept

    /// The kinds of index a store keeps entries in (one table each in SQLite).
    enum Table: Hashable { case token, string, date, number, quantity, reference, uri, composite }

    /// Where an entry is kept: its table, and the parameter it is kept under (a token modifier's entries are kept
    /// under `param:modifier`).
    static func stored(_ entry: IndexEntry) -> (Table, String) {
        switch entry.value {
        case .token: (.token, entry.param)
        case .tokenText: (.token, entry.param + ":text")
        case .identifierOfType: (.token, entry.param + ":of-type")
        case .referenceIdentifier: (.token, entry.param + ":identifier")
        case .string: (.string, entry.param)
        case .date: (.date, entry.param)
        case .number: (.number, entry.param)
        case .quantity: (.quantity, entry.param)
        case .reference: (.reference, entry.param)
        case .uri: (.uri, entry.param)
        case .composite: (.composite, entry.param)
        }
    }

    /// Where the entries a match looks at are kept.
    static func stored(_ match: ValueMatch, param: String) -> (Table, String) {
        switch match {
        case .token: (.token, param)
        case .tokenText: (.token, param + ":text")
        case .identifierOfType: (.token, param + ":of-type")
        case .referenceIdentifier: (.token, param + ":identifier")
        case .string: (.string, param)
        case .date: (.date, param)
        case .number: (.number, param)
        case .quantity: (.quantity, param)
        case .reference: (.reference, param)
        case .uri: (.uri, param)
        }
    }

    /// The tables holding entries of a parameter type (`special` may be indexed as anything).
    static func tables(of type: SearchParameterType) -> Set<Table> {
        switch type {
        case .token: [.token]
        case .string: [.string]
        case .date: [.date]
        case .number: [.number]
        case .quantity: [.quantity]
        case .reference: [.reference]
        case .uri: [.uri]
        case .composite: [.composite]
        case .special: [.token, .string, .date, .number, .quantity, .reference, .uri, .composite]
        }
    }

    // MARK: Values

    /// Whether one indexed value satisfies a match of its kind (a value of another kind never does).
    static func value(_ value: IndexValue, matches match: ValueMatch) -> Bool {
        switch (match, value) {
        case (.token(let token), .token(let system, let code)):
            return Self.token(token, system: system ?? "", code: code)
        case (.referenceIdentifier(let token), .referenceIdentifier(let system, let code)):
            return Self.token(token, system: system ?? "", code: code)
        case (.tokenText(let text), .tokenText(let stored)):
            return contains(stored, SearchText.normalize(text))
        case (.identifierOfType(let typeSystem, let typeCode, let wanted), .identifierOfType(let system, let code, let stored)):
            let separator = "\u{1F}"
            return same(code + separator + stored, typeCode + separator + wanted) && (typeSystem.map { same(system ?? "", $0) } ?? true)
        case (.string(let text, let mode), .string(let normalized, let exact)):
            switch mode {
            case .startsWith: return normalized.utf8.starts(with: SearchText.normalize(text).utf8)
            case .exact: return same(normalized, SearchText.normalize(text)) && same(exact, text)
            case .contains: return contains(normalized, SearchText.normalize(text))
            }
        case (.date(let comparison, let range), .date(let entry)):
            return compare(comparison, range, low: entry.low, high: entry.high)
        case (.number(let comparison, let range), .number(let entry)):
            return compare(comparison, range, value: entry.value)
        case (.quantity(let comparison, let range, let system, let code, let canonical), .quantity(let entry)):
            guard compare(comparison, range, value: entry.number.value), entry.canonical == canonical else { return false }
            if let system {
                return same(entry.system ?? "", system) && (code.map { same(entry.code ?? "", $0) } ?? true)
            }
            if let code { return same(entry.code ?? "", code) || same(entry.unit ?? "", code) }
            return true
        case (.reference(let reference), .reference(let entry)):
            let url = entry.url ?? ""
            switch reference {
            case .local(let type, let id, let version):
                return same(entry.id ?? "", id) && (type.map { same(entry.type ?? "", $0) } ?? true) && url.isEmpty
                    && (version.map { same(entry.version ?? "", $0) } ?? true)
            case .url(let wanted, let version):
                return same(url, wanted) && (version.map { same(entry.version ?? "", $0) } ?? true)
            case .anyOfType(let type):
                return same(entry.type ?? "", type) && url.isEmpty && !(entry.id ?? "").isEmpty
            }
        case (.uri(let wanted, let mode), .uri(let stored)):
            switch mode {
            case .exact: return same(stored, wanted)
            case .below: return stored.utf8.starts(with: wanted.utf8)
            case .above: return wanted.utf8.starts(with: stored.utf8)
            }
        default:
            return false
        }
    }

    private static func token(_ token: TokenValue, system: String, code: String) -> Bool {
        if let wanted = token.code, !same(code, wanted) { return false }
        switch token.system {
        case .any: return true
        case .none: return system.isEmpty
        case .exactly(let wanted): return same(system, wanted)
        }
    }

    /// Byte equality (a store compares text as bytes; Swift's `==` would equate canonically equivalent forms).
    private static func same(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }

    /// Whether `text` contains `part`, as bytes (an empty part is in every text).
    private static func contains(_ text: String, _ part: String) -> Bool {
        let haystack = Array(text.utf8), needle = Array(part.utf8)
        guard !needle.isEmpty else { return true }
        guard needle.count <= haystack.count else { return false }
        for start in 0...(haystack.count - needle.count) where haystack[start..<(start + needle.count)].elementsEqual(needle) {
            return true
        }
        return false
    }

    /// An entry range `[low, high]` compared with the search range (``Store/Comparison``).
    static func compare(_ comparison: Comparison, _ range: DateRange, low: Int64, high: Int64) -> Bool {
        let eq = low >= range.low && high <= range.high
        switch comparison {
        case .eq: return eq
        case .ne: return !eq
        case .gt: return high > range.high
        case .lt: return low < range.low
        case .ge: return high > range.high || eq
        case .le: return low < range.low || eq
        case .sa: return low > range.high
        case .eb: return high < range.low
        case .ap: return low <= range.high && high >= range.low
        }
    }

    /// An entry's number compared with the search value (``Store/Comparison``).
    static func compare(_ comparison: Comparison, _ range: NumberRange, value v: Double) -> Bool {
        switch comparison {
        case .eq, .ap: return v >= range.low && v <= range.high
        case .ne: return !(v >= range.low && v <= range.high)
        case .gt: return v > range.value
        case .lt: return v < range.value
        case .ge: return v >= range.value
        case .le: return v <= range.value
        case .sa: return v > range.high
        case .eb: return v < range.low
        }
    }
}
