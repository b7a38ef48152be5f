import Foundation
import Store
import Testing
@testable import SQLiteStore

/// What the SQLite backend promises beyond the protocol: durability settings, the file layout, reopening.
@Suite struct SQLiteStoreFileTests {
    @Test func writerRunsWithSynchronousFullInWALMode() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteStore(path: directory.path("store.sqlite"))
        #expect(try await store.rows("PRAGMA synchronous", onWriter: true) == [["2"]])
        #expect(try await store.rows("PRAGMA journal_mode", onWriter: true) == [["wal"]])
        #expect(try await store.rows("PRAGMA journal_mode", onWriter: false) == [["wal"]])
        #expect(try await store.rows("PRAGMA foreign_keys", onWriter: true) == [["1"]])
        // Savepoint journals in memory (2 = MEMORY), not in temporary files.
        #expect(try await store.rows("PRAGMA temp_store", onWriter: true) == [["2"]])
        try await store.close()
    }

    @Test func dataSurviveCloseAndReopen() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("store.sqlite")
        let content = Array(#"{"resourceType":"Patient","id":"p1"}"#.utf8)
        let first = try SQLiteStore(path: path)
        let written = try await first.write { transaction in
            try transaction.put(NewVersion(
                type: "Patient", id: "p1", version: 1, method: .create, content: content, patientKey: "p1",
                index: [.token(param: "gender", system: nil, code: "female")]))
            return transaction.timestamp
        }
        try await first.close()

        let second = try SQLiteStore(path: path)
        let stored = try #require(try await second.read(type: "Patient", id: "p1"))
        #expect(stored.content == content)
        #expect(stored.lastUpdated == written)
        let found = try await second.search(SearchQuery(type: "Patient", tokens: [
            TokenCondition(param: "gender", values: [TokenValue(system: .none, code: "female")]),
        ]))
        #expect(found.resources == [stored])
        // Time and versions go on from where the first store stopped.
        let later = try await second.write { transaction in
            try transaction.put(NewVersion(
                type: "Patient", id: "p1", version: 2, method: .update, content: content, patientKey: "p1", index: []))
            return transaction.timestamp
        }
        #expect(later > written)
        #expect(try await second.history(HistoryQuery(scope: .system, count: 10)).total == 2)
        try await second.close()
    }

    @Test(arguments: ["resource_version", "token_index"])
    func patientTablesLeadTheirPrimaryKeyWithPatientKey(_ table: String) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteStore(path: directory.path("store.sqlite"))
        // index_list: seq, name, unique, origin ('pk' for the primary key), partial.
        let indexes = try await store.rows("PRAGMA index_list(\(table))", onWriter: false)
        let primaryKey = try #require(indexes.first { $0[3] == "pk" }?[1])
        // index_info: seqno, cid, name.
        let columns = try await store.rows("PRAGMA index_info(\(primaryKey))", onWriter: false).map { $0[2] }
        #expect(columns.first == "patient")
        let definition = try await store.rows(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = '\(table)'", onWriter: false)
        #expect(definition.first?.first??.contains("WITHOUT ROWID") == true)
        try await store.close()
    }

    @Test func lookupTableIsUniqueByTypeAndId() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteStore(path: directory.path("store.sqlite"))
        // index_list: seq, name, unique, origin, partial.
        let indexes = try await store.rows("PRAGMA index_list(resource)", onWriter: false)
        let unique = indexes.filter { $0[2] == "1" }.compactMap { $0[1] }
        var keys: [[String?]] = []
        for index in unique {
            keys.append(try await store.rows("PRAGMA index_info(\(index))", onWriter: false).map { $0[2] })
        }
        #expect(keys == [["type", "id"]])
        try await store.close()
    }

    @Test func schemaRejectsVersionsThatBreakItsInvariants() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteStore(path: directory.path("store.sqlite"))
        // A non-deleting version without content, and a deletion with content.
        await #expect(throws: (any Error).self) {
            try await store.write { transaction in
                try transaction.put(NewVersion(
                    type: "Patient", id: "p1", version: 1, method: .create, content: [], patientKey: "", index: []))
            }
        }
        await #expect(throws: (any Error).self) {
            try await store.write { transaction in
                try transaction.put(NewVersion(
                    type: "Patient", id: "p1", version: 1, method: .delete, content: [1], patientKey: "", index: []))
            }
        }
        #expect(try await store.read(type: "Patient", id: "p1") == nil)
        try await store.close()
    }
}
