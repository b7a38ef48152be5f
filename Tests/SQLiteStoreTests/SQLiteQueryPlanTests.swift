import Foundation
import Store
import Testing
@testable import SQLiteStore

/// The hot queries use indexes: no full scan of a table or index, whatever the data size, and patient-scoped
/// searches are driven by their most selective condition.
@Suite struct SQLiteQueryPlanTests {
    private static let loinc = "http://loinc.org"
    private static let code = SearchCondition.match(param: "code", .token(TokenValue(system: .exactly(loinc), code: "1234-5")))
    private static let subject = SearchCondition.match(param: "subject", .reference(.local(type: "Patient", id: "x")))
    private static let since2015 = SearchCondition.match(
        param: "date", .date(.ge, DateRange(low: 1_420_070_400_000_000, high: 1_451_606_399_999_999)))

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
        // Observation?subject=Patient/x&code=y
        SearchQuery(type: "Observation", condition: .all([subject, code])),
        // Observation?code=y&date=ge2015
        SearchQuery(type: "Observation", condition: .all([code, since2015])),
        // Sorted and paged.
        SearchQuery(type: "Observation", condition: .all([subject, code]),
                    sort: [SortKey(.param("date", .date), descending: true)], limit: 10,
                    page: .after(SearchCursor(values: [.integer(5)], type: "Observation", id: "o"))),
        SearchQuery(type: "Observation", condition: .all([subject, code, .not(.match(param: "status",
            .token(TokenValue(system: .any, code: "cancelled"))))]), limit: 10,
                    page: .before(SearchCursor(values: [], type: "Observation", id: "o"))),
        // The patient's record, by its key.
        SearchQuery(type: "Observation", condition: .all([.patientRecord(["x"]), code])),
        // Observation?subject:Patient.name=peter (chain driven by the name)
        SearchQuery(type: "Observation", condition: .chain(param: "subject", targetType: "Patient",
            .match(param: "name", .string("peter", .startsWith)))),
        // Patient?_has:Observation:subject:code=y
        SearchQuery(type: "Patient", condition: .reverseChain(sourceType: "Observation", param: "subject", code)),
        // code-value-quantity
        SearchQuery(type: "Observation", condition: .all([subject, .composite(param: "code-value-quantity", [
            .token(TokenValue(system: .any, code: "1234-5")), .quantity(.gt, NumberRange(exactly: 5), system: nil, code: "mg"),
        ])])),
        SearchQuery(type: "Observation", condition: .composite(param: "code-value-quantity", [
            .token(TokenValue(system: .any, code: "1234-5")), .quantity(.gt, NumberRange(exactly: 5), system: nil, code: "mg"),
        ])),
    ]

    static let historyScopes: [HistoryQuery.Scope] = [
        .system, .type("Patient"), .instance(type: "Patient", id: "a"),
    ]

    @Test(arguments: searches)
    func searchUsesIndexes(_ query: SearchQuery) async throws {
        let (sql, _) = try #require(SQLiteQueries.searchSQL(query))
        try await expectNoScan(sql)
        try await expectNoScan(SQLiteQueries.countSQL(query).sql, allowScanOf: query.type == "Patient" && query.condition == .everything ? ["r"] : [])
    }

    /// Patient-scoped searches start from the reference index (the patient's entries), then probe the other
    /// conditions of each resource by primary key.
    @Test func patientScopedSearchIsDrivenByTheReference() async throws {
        let query = SearchQuery(type: "Observation", condition: .all([Self.code, Self.subject]))
        let (sql, _) = try #require(SQLiteQueries.searchSQL(query))
        let details = try await plan(sql)
        let first = try #require(details.first { $0.hasPrefix("SEARCH") || $0.hasPrefix("SCAN") })
        #expect(first.contains("reference_index_by_target"), "\(details.joined(separator: "\n"))")
        #expect(details.contains { $0.contains("SEARCH e") && $0.contains("PRIMARY KEY (patient=? AND rid=? AND param=?") },
                "\(details.joined(separator: "\n"))")
    }

    /// A current version is read by the version table's clustered key, not through the `(rid, version)` index.
    @Test func currentVersionIsSoughtByItsClusteredKey() async throws {
        let details = try await plan(SQLiteQueries.readSQL)
        #expect(details.contains { $0.hasPrefix("SEARCH v USING PRIMARY KEY (patient=? AND rid=? AND version=?)") },
                "\(details.joined(separator: "\n"))")
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

    /// The plan's detail lines.
    private func plan(_ sql: String) async throws -> [String] {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteStore(path: directory.path("store.sqlite"))
        let placeholders = sql.filter { $0 == "?" }.count
        let plan = try await store.rows(
            "EXPLAIN QUERY PLAN " + sql, arguments: Array(repeating: "x", count: placeholders), onWriter: false)
        try await store.close()
        // Rows: id, parent, notused, detail.
        let details = plan.compactMap { $0.last ?? nil }
        if ProcessInfo.processInfo.environment["DOSSIER_PRINT_PLANS"] != nil {
            print("PLAN \(sql)\n  " + details.joined(separator: "\n  "))
        }
        return details
    }

    /// No full scan of a stored table or index: scans of subquery results (`SCAN d1`) and of a constant row
    /// are fine, and so are the aliases in `allowScanOf` (a plain `Patient?` search reads its type's range).
    private func expectNoScan(
        _ sql: String, allowScanOf allowed: Set<String> = [], sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let details = try await plan(sql)
        let scans = details.filter { detail in
            guard detail.hasPrefix("SCAN ") else { return false }
            let name = detail.dropFirst(5).split(separator: " ").first.map(String.init) ?? ""
            if name == "CONSTANT" || allowed.contains(name) { return false }
            // Subquery results are named d1, t2, s3...; stored tables are scanned under their query aliases.
            return !(name.first.map { "dts".contains($0) } ?? false && name.dropFirst().allSatisfy(\.isNumber))
        }
        #expect(scans.isEmpty, "\(sql)\n\(details.joined(separator: "\n"))", sourceLocation: sourceLocation)
    }
}
