import Audit
import FHIRCore
import Foundation
import GRDB
import Testing
@testable import SQLiteAudit

/// The SQLite audit log: durability settings, the hash chain across batches and reopening, append-only triggers,
/// group commit.
@Suite struct SQLiteAuditLogTests {
    @Test func writerRunsWithSynchronousFullInWALMode() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let log = try SQLiteAuditLog(path: directory.path("audit.sqlite"))
        #expect(try await log.rows("PRAGMA synchronous") == [["2"]])
        #expect(try await log.rows("PRAGMA journal_mode") == [["wal"]])
        try await log.close()
    }

    @Test func eventsChainAcrossBatchesAndReopening() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("audit.sqlite")
        let records = (0..<6).map { AuditFixtures.read("pat-\($0 % 2)", at: Double($0)) }
        let first = try SQLiteAuditLog(path: path)
        try await first.append(Array(records[0..<3]))
        try await first.append(Array(records[3..<5]))
        try await first.close()
        let second = try SQLiteAuditLog(path: path)
        try await second.append([records[5]])

        let rows = try await second.rows("SELECT seq, id, hex(prev_hash), hex(hash), json FROM audit_event ORDER BY seq")
        #expect(rows.map { $0[0] } == ["1", "2", "3", "4", "5", "6"])
        #expect(rows.map { $0[1] } == records.map(\.id))
        var previous = AuditHashChain.genesis
        for (row, record) in zip(rows, records) {
            // The stored JSON is the record's rendering, byte for byte, and the chain is SHA-256(previous || bytes).
            let bytes = record.auditEvent().serialized()
            #expect(row[4] == bytes.map { String(format: "%02x", $0) }.joined())
            #expect(row[2] == hex(previous))
            let hash = AuditHashChain.hash(previous: previous, bytes: bytes)
            #expect(row[3] == hex(hash))
            previous = hash
        }
        #expect(rows[0][2] == String(repeating: "0", count: 64))
        #expect(try await second.verify() == AuditVerification(checkedCount: 6, firstBreak: nil))
        let stored = try #require(try await second.read(id: records[4].id))
        #expect(stored.sequence == 5)
        #expect(stored.event == records[4].auditEvent())
        #expect(try await second.read(id: "absent") == nil)
        try await second.close()
    }

    @Test(arguments: [
        "UPDATE audit_event SET outcome = 4",
        "DELETE FROM audit_event WHERE seq = 1",
        "UPDATE audit_patient SET patient_id = 'someone-else'",
        "DELETE FROM audit_patient",
        "UPDATE audit_entity SET reference = 'Observation/x'",
        "DELETE FROM audit_entity",
    ])
    func triggersRefuseUpdatesAndDeletes(_ sql: String) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let log = try SQLiteAuditLog(path: directory.path("audit.sqlite"))
        try await log.append([AuditFixtures.read("pat-a")])
        await #expect(throws: DatabaseError.self) { _ = try await log.rows(sql) }
        #expect(try await log.verify().isIntact)
        try await log.close()
    }

    @Test func concurrentAppendsAreDurableChainedAndGroupCommitted() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("audit.sqlite")
        let log = try SQLiteAuditLog(path: path)
        let records = (0..<200).map { AuditFixtures.read("pat-\($0 % 7)", at: Double($0)) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for record in records {
                group.addTask { try await log.append([record]) }
            }
            try await group.waitForAll()
        }
        // Every append returned after its commit: all are there, in one intact chain, and callers shared commits.
        #expect(try await log.rows("SELECT count(*) FROM audit_event") == [["200"]])
        #expect(log.committedTransactionCount < 200)
        #expect(log.committedTransactionCount >= 1)
        try await log.close()
        let reopened = try SQLiteAuditLog(path: path)
        #expect(try await reopened.verify() == AuditVerification(checkedCount: 200, firstBreak: nil))
        let ids = Set(try await reopened.rows("SELECT id FROM audit_event").compactMap { $0[0] })
        #expect(ids == Set(records.map(\.id)))
        try await reopened.close()
    }

    @Test func aDuplicateIDFailsOnlyItsOwnAppend() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let log = try SQLiteAuditLog(path: directory.path("audit.sqlite"))
        let first = AuditFixtures.read("pat-a", id: "same")
        try await log.append([first])
        let error = await #expect(throws: AuditLogError.self) {
            try await log.append([AuditFixtures.read("pat-b", id: "other"), AuditFixtures.read("pat-b", id: "same")])
        }
        #expect(error?.code == .invalidRecord)
        try await log.append([AuditFixtures.read("pat-c")])
        // The failed append left nothing behind, not even its first record, and the chain goes on.
        #expect(try await log.read(id: "other") == nil)
        #expect(try await log.verify() == AuditVerification(checkedCount: 2, firstBreak: nil))
        try await log.close()
    }

    @Test func aDuplicateIDInAGroupCommitFailsAloneAndTheOthersCommit() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let log = try SQLiteAuditLog(path: directory.path("audit.sqlite"))
        try await log.append([AuditFixtures.read("pat-a", id: "taken")])
        // Many appends at once share commits; the one reusing an id must fail without taking its batch down.
        let outcomes = await withTaskGroup(of: (String, Bool).self) { group in
            for index in 0..<60 {
                let id = index == 30 ? "taken" : "event-\(index)"
                group.addTask { (id, (try? await log.append([AuditFixtures.read("pat-\(index % 5)", id: id)])) != nil) }
            }
            return await group.reduce(into: [String: Bool]()) { $0[$1.0] = $1.1 }
        }
        #expect(outcomes["taken"] == false)
        #expect(outcomes.filter { $0.key != "taken" }.values.allSatisfy { $0 })
        #expect(try await log.rows("SELECT count(*) FROM audit_event") == [["60"]])
        #expect(try await log.verify() == AuditVerification(checkedCount: 60, firstBreak: nil))
        try await log.close()
    }

    @Test func committedEventsReachTheDatabaseFileWithoutAnAppendPayingForTheCheckpoint() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("audit.sqlite")
        let log = try SQLiteAuditLog(path: path)
        #expect(try await log.rows("PRAGMA wal_autocheckpoint") == [["10000"]])
        func fileSize() throws -> Int { (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0 }
        let before = try fileSize()
        for index in 0..<50 { try await log.append([AuditFixtures.read("pat-\(index % 3)")]) }
        // The background connection copies the log into the file shortly after the commits.
        var after = try fileSize()
        for _ in 0..<50 where after <= before {
            try await Task.sleep(for: .milliseconds(50))
            after = try fileSize()
        }
        #expect(after > before)
        try await log.close()
    }

    @Test func appendingAfterCloseThrowsClosed() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let log = try SQLiteAuditLog(path: directory.path("audit.sqlite"))
        try await log.close()
        let error = await #expect(throws: AuditLogError.self) { try await log.append([AuditFixtures.read("pat-a")]) }
        #expect(error?.code == .closed)
        try await log.close()
    }

    private func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02X", $0) }.joined() }
}
