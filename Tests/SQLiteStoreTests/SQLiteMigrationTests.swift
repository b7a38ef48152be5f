import Foundation
import GRDB
import Store
import Testing
@testable import SQLiteStore

/// A database written with an older schema opens with the current one, its data intact and searchable.
@Suite struct SQLiteMigrationTests {
    private static let observation = Array(#"{"resourceType":"Observation","id":"o1"}"#.utf8)
    private static let patient = Array(#"{"resourceType":"Patient","id":"p1"}"#.utf8)

    /// A v2 file (text keys) with two patients' resources, a resource outside any record, a deleted resource and
    /// index entries in several tables.
    private static func writeVersion2(at path: String) throws {
        let queue = try DatabaseQueue(path: path)
        try SQLiteSchema.migrator().migrate(queue, upTo: "v2 search index of every parameter type")
        try queue.write { db in
            func version(_ key: String, _ type: String, _ id: String, _ version: Int, _ seq: Int, _ method: String,
                         _ content: [UInt8]) throws {
                try db.execute(sql: """
                    INSERT INTO resource_version (patient_key, type, id, version, seq, last_updated, method, content)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [key, type, id, version, seq, 1_700_000_000_000_000 + seq, method, Data(content)])
            }
            try version("p1", "Patient", "p1", 1, 1, "POST", patient)
            try version("p1", "Observation", "o1", 1, 2, "POST", observation)
            try version("p1", "Observation", "o1", 2, 3, "PUT", observation)
            try version("p2", "Patient", "p2", 1, 4, "POST", patient)
            try version("p2", "Observation", "gone", 1, 5, "POST", observation)
            try version("p2", "Observation", "gone", 2, 6, "DELETE", [])
            try version("", "Organization", "org", 1, 7, "POST", Array(#"{"resourceType":"Organization"}"#.utf8))
            try db.execute(sql: """
                INSERT INTO resource (type, id, patient_key, version, deleted) VALUES
                    ('Patient', 'p1', 'p1', 1, 0), ('Observation', 'o1', 'p1', 2, 0), ('Patient', 'p2', 'p2', 1, 0),
                    ('Observation', 'gone', 'p2', 2, 1), ('Organization', 'org', '', 1, 0);
                INSERT INTO token_index (patient_key, type, id, param, system, code) VALUES
                    ('p1', 'Observation', 'o1', 'code', 'http://loinc.org', '1234-5'),
                    ('p1', 'Patient', 'p1', 'gender', '', 'female'),
                    ('p2', 'Patient', 'p2', 'gender', '', 'male');
                INSERT INTO reference_index (patient_key, type, id, param, target_type, target_id, url, target_version)
                    VALUES ('p1', 'Observation', 'o1', 'subject', 'Patient', 'p1', '', '');
                INSERT INTO date_index (patient_key, type, id, param, low, high)
                    VALUES ('p1', 'Observation', 'o1', 'date', 100, 200);
                INSERT INTO string_index (patient_key, type, id, param, normalized, exact)
                    VALUES ('', 'Organization', 'org', 'name', 'acme', 'Acme');
                """)
        }
        try queue.close()
    }

    @Test func version2DatabaseOpensWithItsDataSearchable() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("store.sqlite")
        try Self.writeVersion2(at: path)

        let store = try SQLiteStore(path: path)
        let observation = try #require(try await store.read(type: "Observation", id: "o1"))
        #expect(observation.version == 2 && observation.patientKey == "p1" && observation.content == Self.observation)
        #expect(try await store.vread(type: "Observation", id: "o1", version: 1)?.method == .create)
        #expect(try await store.read(type: "Observation", id: "gone")?.method == .delete)
        #expect(try await store.read(type: "Organization", id: "org")?.patientKey == "")
        #expect(try await store.history(HistoryQuery(scope: .system, count: 10)).total == 7)
        #expect(try await store.history(HistoryQuery(scope: .instance(type: "Observation", id: "o1"), count: 10)).total == 2)

        func ids(_ query: SearchQuery) async throws -> [String] { try await store.search(query).resources.map(\.id) }
        let code = SearchCondition.match(param: "code", .token(TokenValue(system: .exactly("http://loinc.org"), code: "1234-5")))
        let subject = SearchCondition.match(param: "subject", .reference(.local(type: "Patient", id: "p1")))
        #expect(try await ids(SearchQuery(type: "Observation", condition: .all([subject, code]))) == ["o1"])
        #expect(try await ids(SearchQuery(type: "Observation", condition: .patientRecord(["p2"]))) == [])
        #expect(try await ids(SearchQuery(type: nil, condition: .patientRecord(["p1"]))).sorted() == ["o1", "p1"])
        #expect(try await ids(SearchQuery(type: "Patient", tokens: [TokenCondition(param: "gender", values: [
            TokenValue(system: .none, code: "male")])])) == ["p2"])
        #expect(try await ids(SearchQuery(type: "Organization", condition: .match(param: "name", .string("ac", .startsWith)))) == ["org"])
        #expect(try await ids(SearchQuery(type: "Observation", condition: .match(
            param: "date", .date(.eq, DateRange(low: 0, high: 1000)))))  == ["o1"])

        // Writing goes on where v2 stopped: versions, sequence numbers and keys.
        try await store.write { transaction in
            try transaction.put(NewVersion(
                type: "Observation", id: "o1", version: 3, method: .update, content: Self.observation, patientKey: "p2",
                index: [.token(param: "code", system: "http://loinc.org", code: "9999-9")]))
        }
        #expect(try await store.read(type: "Observation", id: "o1")?.patientKey == "p2")
        #expect(try await ids(SearchQuery(type: "Observation", condition: .all([subject, code]))) == [])
        #expect(try await ids(SearchQuery(type: "Observation", condition: .patientRecord(["p2"]))) == ["o1"])
        #expect(try await store.history(HistoryQuery(scope: .system, count: 10)).total == 8)
        #expect(try await store.lastChangeSequence() == 8)
        try await store.close()
    }
}
