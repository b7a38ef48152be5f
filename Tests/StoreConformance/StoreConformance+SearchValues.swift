import FHIRCore
import Foundation
import Store
import Testing

/// Helpers of the search-model cases.
extension StoreConformance {
    static let ucum = "http://unitsofmeasure.org"

    /// A first version of `type/id` with these index entries.
    static func resource(_ type: String, _ id: String, patient: String = "", _ entries: IndexEntry...) -> NewVersion {
        version(type, id, 1, patient: patient, tokens: entries)
    }

    static func entry(_ param: String, _ value: IndexValue) -> IndexEntry { IndexEntry(param: param, value: value) }

    static func string(_ param: String, _ text: String) -> IndexEntry {
        entry(param, .string(normalized: SearchText.normalize(text), exact: text))
    }

    static func reference(_ param: String, _ type: String, _ id: String) -> IndexEntry {
        entry(param, .reference(.local(type, id)))
    }

    static func date(_ param: String, _ range: DateRange) -> IndexEntry { entry(param, .date(range)) }

    static func quantity(_ param: String, _ value: Double, system: String? = ucum, code: String?, unit: String?) -> IndexEntry {
        entry(param, .quantity(QuantityValue(number: NumberRange(exactly: value), system: system, code: code, unit: unit)))
    }

    static func code(_ code: String, param: String = "code") -> SearchCondition {
        .match(param: param, .token(TokenValue(system: .any, code: code)))
    }

    /// Microseconds since 1970 of a UTC instant.
    static func micros(_ year: Int, _ month: Int = 1, _ day: Int = 1, _ hour: Int = 0, _ minute: Int = 0, _ second: Int = 0) -> Int64 {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let date = calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second))!
        return Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }

    static let day: Int64 = 86_400_000_000

    /// The range of a whole year, month, day or second.
    static func year(_ y: Int) -> DateRange { DateRange(low: micros(y), high: micros(y + 1) - 1) }
    static func month(_ y: Int, _ m: Int) -> DateRange {
        DateRange(low: micros(y, m), high: (m == 12 ? micros(y + 1) : micros(y, m + 1)) - 1)
    }
    static func day(_ y: Int, _ m: Int, _ d: Int) -> DateRange { DateRange(low: micros(y, m, d), high: micros(y, m, d) + day - 1) }
    static func second(_ y: Int, _ m: Int, _ d: Int, _ h: Int, _ mi: Int, _ s: Int) -> DateRange {
        let low = micros(y, m, d, h, mi, s)
        return DateRange(low: low, high: low + 999_999)
    }

    /// `Type/id` of the resources of `type` matching `condition`, in type/id order; also checks that `count`
    /// agrees and that a transaction's search sees the same.
    static func find(
        _ store: any FHIRStore, _ type: String?, _ condition: SearchCondition,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> [String] {
        let query = SearchQuery(type: type, condition: condition)
        let found = ids(try await store.search(query))
        let count = try await store.count(query)
        #expect(count == found.count, "count \(count) for \(found)", sourceLocation: sourceLocation)
        return found
    }

    /// The ids (without type) of `find`.
    static func findIDs(
        _ store: any FHIRStore, _ type: String?, _ condition: SearchCondition,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> [String] {
        try await find(store, type, condition, sourceLocation: sourceLocation).map { String($0.split(separator: "/")[1]) }
    }
}
