import Foundation
import Store
import Testing
@testable import SQLiteStore

/// The hot queries use indexes: no full scan of a table or index, whatever the data size.
@Suite struct SQLiteQueryPlanTests {
    private static let loinc = "http://loinc.org"

    static let searches: [SearchQuery] = [
        SearchQuery(type: "Patient"),
        SearchQuery(type: "Patient", ids: ["a", "b"]),
        SearchQuery(type: nil, ids: ["a"]),
        SearchQuery(type: "Observation", tokens: [TokenCondition(param: "code", values: [
            TokenValue(system: .any, code: "1234-5"),
        ])]),
        SearchQuery(type: "Observation", tokens: [
            TokenCondition(param: "code", values: [
                TokenValue(system: .exactly(loinc), code: "1234-5"), TokenValue(system: .none, code: "x"),
            ]),
            TokenCondition(param: "status", values: [TokenValue(system: .any, code: "final")]),
        ], limit: 10),
        SearchQuery(type: nil, tokens: [TokenCondition(param: "_tag", values: [
            TokenValue(system: .exactly(loinc), code: "a"),
        ])]),
    ]

    static let historyScopes: [HistoryQuery.Scope] = [
        .system, .type("Patient"), .instance(type: "Patient", id: "a"),
    ]

    @Test(arguments: searches)
    func searchUsesIndexes(_ query: SearchQuery) async throws {
        let (sql, _) = try #require(SQLiteQueries.searchSQL(query))
        try await expectNoScan(sql)
    }

    @Test(arguments: historyScopes)
    func historyUsesIndexes(_ scope: HistoryQuery.Scope) async throws {
        let (count, page, _) = SQLiteQueries.historySQL(scope)
        try await expectNoScan(count)
        try await expectNoScan(page)
    }

    @Test func readsUseIndexes() async throws {
        try await expectNoScan(SQLiteQueries.readSQL)
        try await expectNoScan(SQLiteQueries.vreadSQL)
        try await expectNoScan(SQLiteQueries.lastSequenceSQL)
    }

    private func expectNoScan(_ sql: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteStore(path: directory.path("store.sqlite"))
        let placeholders = sql.filter { $0 == "?" }.count
        let plan = try await store.rows(
            "EXPLAIN QUERY PLAN " + sql, arguments: Array(repeating: "x", count: placeholders), onWriter: false)
        try await store.close()
        // Rows: id, parent, notused, detail.
        let details = plan.compactMap { $0.last ?? nil }
        #expect(!details.contains { $0.hasPrefix("SCAN ") && $0 != "SCAN CONSTANT ROW" },
                "\(sql)\n\(details.joined(separator: "\n"))", sourceLocation: sourceLocation)
    }
}
