import FHIRCore
import Foundation
import Store
import Testing

/// Sorting, keyset paging, counts and the replacement of index entries.
extension StoreConformance {
    private static func birthdate(_ range: DateRange) -> IndexEntry { date("birthdate", range) }

    static func sortsByParametersWithMissingValuesLast(_ store: any FHIRStore) async throws {
        try await put(
            store,
            resource("Patient", "a", birthdate(year(2000)), string("name", "Zoe"), token("gender", nil, "female")),
            resource("Patient", "b", birthdate(year(1990)), string("name", "adam"), token("gender", nil, "male")),
            resource("Patient", "c", string("name", "Mia"), token("gender", nil, "female")),
            resource("Patient", "d", birthdate(day(2000, 6, 1)), token("gender", nil, "male")),
            resource("Patient", "e", birthdate(year(1990)), string("name", "Bob"), string("name", "Yves")))
        func sorted(_ keys: SortKey...) async throws -> [String] {
            try await store.search(SearchQuery(type: "Patient", sort: keys)).resources.map(\.id)
        }
        // Ascending on the low bound, descending on the high bound; ties by id; no entry last both ways.
        #expect(try await sorted(SortKey(.param("birthdate", .date))) == ["b", "e", "a", "d", "c"])
        #expect(try await sorted(SortKey(.param("birthdate", .date), descending: true)) == ["a", "d", "b", "e", "c"])
        // Strings on the normalised text: ascending on the smallest entry, descending on the largest.
        #expect(try await sorted(SortKey(.param("name", .string))) == ["b", "e", "c", "a", "d"])
        #expect(try await sorted(SortKey(.param("name", .string), descending: true)) == ["a", "e", "c", "b", "d"])
        // Several keys.
        #expect(try await sorted(SortKey(.param("gender", .token)), SortKey(.param("birthdate", .date), descending: true))
            == ["a", "c", "d", "b", "e"])
        #expect(try await sorted(SortKey(.id, descending: true)) == ["e", "d", "c", "b", "a"])
        #expect(try await sorted(SortKey(.lastUpdated, descending: true), SortKey(.id)) == ["a", "b", "c", "d", "e"])
        // Cursors carry the sort values (nil for a resource without one).
        let page = try await store.search(SearchQuery(type: "Patient", sort: [SortKey(.param("birthdate", .date))]))
        #expect(page.cursors.map(\.id) == ["b", "e", "a", "d", "c"])
        #expect(page.cursors.map(\.type) == Array(repeating: "Patient", count: 5))
        #expect(page.cursors[0].values == [.integer(micros(1990))])
        #expect(page.cursors[4].values == [nil])
        #expect(!page.hasMore)

        // _lastUpdated as a condition and as a key.
        let later = try await put(store, version("Patient", "c", 2, tokens: [string("name", "Mia")]))
        let instant = DateRange(low: Int64((later.timeIntervalSince1970 * 1_000_000).rounded()),
                                high: Int64((later.timeIntervalSince1970 * 1_000_000).rounded()))
        #expect(try await findIDs(store, "Patient", .lastUpdated(.eq, instant)) == ["c"])
        #expect(try await findIDs(store, "Patient", .lastUpdated(.lt, instant)) == ["a", "b", "d", "e"])
        #expect(try await findIDs(store, "Patient", .lastUpdated(.gt, instant)).isEmpty)
        #expect(try await sorted(SortKey(.lastUpdated, descending: true), SortKey(.id)) == ["c", "a", "b", "d", "e"])
    }

    static func pagesForwardAndBackwardStayConsistentWhileDataChanges(_ store: any FHIRStore) async throws {
        // p0…p9, birthdates in years 1990…1999 except p4 and p7, which have none (they come last).
        for index in 0..<10 {
            let entries = index == 4 || index == 7 ? [] : [birthdate(year(1990 + index))]
            try await put(store, version("Patient", "p\(index)", 1, tokens: entries))
        }
        let sort = [SortKey(.param("birthdate", .date))]
        func page(_ position: PagePosition, limit: Int = 3, sort: [SortKey] = sort) async throws -> SearchPage {
            try await store.search(SearchQuery(type: "Patient", sort: sort, limit: limit, page: position))
        }
        let first = try await page(.first)
        #expect(first.resources.map(\.id) == ["p0", "p1", "p2"])
        #expect(first.hasMore)
        // Changes between pages: one inserted before the cursor, one after; one not yet seen deleted.
        try await put(store, version("Patient", "early", 1, tokens: [birthdate(year(1980))]),
                      version("Patient", "p35", 1, tokens: [birthdate(year(1993))]))
        try await put(store, version("Patient", "p5", 2, method: .delete))
        let second = try await page(.after(try #require(first.cursors.last)))
        #expect(second.resources.map(\.id) == ["p3", "p35", "p6"])
        #expect(second.hasMore)
        let third = try await page(.after(try #require(second.cursors.last)))
        #expect(third.resources.map(\.id) == ["p8", "p9", "p4"]) // into the resources without a value
        #expect(third.hasMore)
        let fourth = try await page(.after(try #require(third.cursors.last)))
        #expect(fourth.resources.map(\.id) == ["p7"])
        #expect(!fourth.hasMore)
        // Backwards from the fourth page's first resource, still in the sort order.
        let back = try await page(.before(try #require(fourth.cursors.first)))
        #expect(back.resources.map(\.id) == ["p8", "p9", "p4"])
        #expect(back.hasMore)
        let backAgain = try await page(.before(try #require(back.cursors.first)))
        #expect(backAgain.resources.map(\.id) == ["p3", "p35", "p6"])
        let start = try await page(.before(try #require(backAgain.cursors.first)), limit: 10)
        #expect(start.resources.map(\.id) == ["early", "p0", "p1", "p2"])
        #expect(!start.hasMore)
        // Descending, and the default order (type, id) with cursors too.
        let descending = [SortKey(.param("birthdate", .date), descending: true)]
        let d1 = try await page(.first, limit: 4, sort: descending)
        #expect(d1.resources.map(\.id) == ["p9", "p8", "p6", "p3"]) // ties (p3, p35) by id ascending
        let d2 = try await page(.after(try #require(d1.cursors.last)), limit: 4, sort: descending)
        #expect(d2.resources.map(\.id) == ["p35", "p2", "p1", "p0"])
        let d3 = try await page(.after(try #require(d2.cursors.last)), limit: 4, sort: descending)
        #expect(d3.resources.map(\.id) == ["early", "p4", "p7"])
        #expect(!d3.hasMore)
        let d2back = try await page(.before(try #require(d3.cursors.first)), limit: 2, sort: descending)
        #expect(d2back.resources.map(\.id) == ["p1", "p0"])
        let plain1 = try await page(.first, limit: 4, sort: [])
        #expect(plain1.resources.map(\.id) == ["early", "p0", "p1", "p2"])
        try await put(store, version("Patient", "p1", 2, method: .delete))
        let plain2 = try await page(.after(try #require(plain1.cursors.last)), limit: 4, sort: [])
        #expect(plain2.resources.map(\.id) == ["p3", "p35", "p4", "p6"])
        let plainBack = try await page(.before(try #require(plain2.cursors.first)), limit: 4, sort: [])
        #expect(plainBack.resources.map(\.id) == ["early", "p0", "p2"])
        #expect(!plainBack.hasMore)
        // Count ignores sort, limit and page.
        #expect(try await store.count(SearchQuery(type: "Patient", sort: sort, limit: 2, page: .after(try #require(first.cursors.last)))) == 10)
        #expect(try await store.count(SearchQuery(type: "Patient", condition: .missing(param: "birthdate", type: .date, missing: true))) == 2)
        #expect(try await store.count(SearchQuery(type: "Observation")) == 0)
    }

    static func indexIsReplacedOnUpdateDeleteKeyChangeAndReindex(_ store: any FHIRStore) async throws {
        @Sendable func entries(_ name: String, _ year: Int, _ target: String) -> [IndexEntry] {
            [string("name", name), date("date", Self.year(year)), reference("subject", "Patient", "\(target)-\(name)"),
             quantity("value", Double(year), code: "mg", unit: "mg"), entry("url", .uri("urn:\(name)")),
             entry("n", .number(NumberRange(exactly: Double(year)))), token("code", nil, name),
             entry("code", .tokenText(name)),
             entry("cv", .composite([.token(system: nil, code: name), .date(Self.year(year))]))]
        }
        func all(_ name: String, _ year: Int, _ target: String) -> [SearchCondition] {
            let y = Self.year(year)
            return [
                .match(param: "name", .string(name, .exact)), .match(param: "date", .date(.eq, y)),
                .match(param: "subject", .reference(.local(type: "Patient", id: "\(target)-\(name)"))),
                .match(param: "value", .quantity(.eq, NumberRange(exactly: Double(year)), system: ucum, code: "mg")),
                .match(param: "url", .uri("urn:\(name)", .exact)),
                .match(param: "n", .number(.eq, NumberRange(exactly: Double(year)))),
                code(name), .match(param: "code", .tokenText(name)),
                .composite(param: "cv", [.token(TokenValue(system: .any, code: name)), .date(.eq, y)]),
            ]
        }
        func found(_ conditions: [SearchCondition]) async throws -> [[String]] {
            var out: [[String]] = []
            for condition in conditions { out.append(try await findIDs(store, "Observation", condition)) }
            return out
        }
        let none = Array(repeating: [String](), count: 9), one = Array(repeating: ["o1"], count: 9)
        try await put(store, version("Observation", "o1", 1, patient: "p1", tokens: entries("x", 2001, "p1")),
                      version("Observation", "o2", 1, patient: "p1"))
        #expect(try await found(all("x", 2001, "p1")) == one)
        // An update replaces the entries of every kind.
        try await put(store, version("Observation", "o1", 2, patient: "p1", tokens: entries("y", 2002, "p1")))
        #expect(try await found(all("x", 2001, "p1")) == none)
        #expect(try await found(all("y", 2002, "p1")) == one)
        // So does a change of patient key.
        try await put(store, version("Observation", "o1", 3, patient: "p2", tokens: entries("z", 2003, "p2")))
        #expect(try await found(all("y", 2002, "p1")) == none)
        #expect(try await found(all("z", 2003, "p2")) == one)
        #expect(try await findIDs(store, "Observation", .missing(param: "name", type: .string, missing: true)) == ["o2"])
        // replaceIndex rewrites the entries without a new version.
        try await store.write { transaction in
            try transaction.replaceIndex(type: "Observation", id: "o1", index: entries("w", 2004, "p2"))
            // Seen inside the transaction.
            let inside = try transaction.search(SearchQuery(type: "Observation", condition: code("w")))
            #expect(inside.map(\.id) == ["o1"])
            // Absent or deleted resources have nothing to replace.
            try transaction.replaceIndex(type: "Observation", id: "nope", index: entries("v", 2005, "p2"))
        }
        #expect(try await found(all("z", 2003, "p2")) == none)
        #expect(try await found(all("w", 2004, "p2")) == one)
        #expect(try await found(all("v", 2005, "p2")) == none)
        let current = try #require(try await store.read(type: "Observation", id: "o1"))
        #expect(current.version == 3 && current.patientKey == "p2")
        #expect(try await store.history(HistoryQuery(scope: .instance(type: "Observation", id: "o1"), count: 10)).total == 3)
        // A deletion removes every entry, and replaceIndex does not bring them back.
        try await put(store, version("Observation", "o1", 4, method: .delete, patient: "p2"))
        try await store.write { transaction in
            try transaction.replaceIndex(type: "Observation", id: "o1", index: entries("w", 2004, "p2"))
        }
        #expect(try await found(all("w", 2004, "p2")) == none)
        #expect(try await findIDs(store, "Observation", .missing(param: "name", type: .string, missing: true)) == ["o2"])
    }
}
