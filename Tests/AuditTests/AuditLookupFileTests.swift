import Audit
import Foundation
import GRDB
import Testing
@testable import SQLiteAudit

/// The patient and entity lookups live in their own file, written without an fsync of their own, and are rebuilt
/// from the events whenever they are missing or behind: searches and verification never depend on them surviving.
@Suite struct AuditLookupFileTests {
    private func patientEvents(_ log: SQLiteAuditLog, _ patient: String) async throws -> Set<String> {
        Set(try await log.search(AuditQuery(scope: .everything, patient: patient, count: 100)).events.compactMap { $0.event["id"]?.stringValue })
    }

    private func entityEvents(_ log: SQLiteAuditLog, _ entity: String) async throws -> Set<String> {
        Set(try await log.search(AuditQuery(scope: .everything, entity: entity, count: 100)).events.compactMap { $0.event["id"]?.stringValue })
    }

    private func removeLookupFile(_ path: String) {
        let lookup = SQLiteAuditLog.lookupPath(for: path)
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: lookup + suffix) }
    }

    @Test func eventsAreDurableAndTheLookupsBesideThemAreNot() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("audit.sqlite")
        let log = try SQLiteAuditLog(path: path)
        let record = AuditFixtures.read("pat-a")
        try await log.append([record])
        #expect(try await log.rows("PRAGMA main.synchronous") == [["2"]])
        #expect(try await log.rows("PRAGMA lookup.synchronous") == [["1"]])
        #expect(try await log.rows("PRAGMA lookup.journal_mode") == [["wal"]])
        #expect(try await log.rows("SELECT count(*) FROM main.sqlite_master WHERE name IN ('audit_patient', 'audit_entity')") == [["0"]])
        #expect(FileManager.default.fileExists(atPath: directory.path("audit-lookup.sqlite")))
        // Found through the lookups as soon as the append returned.
        #expect(try await patientEvents(log, "pat-a") == [record.id])
        try await log.close()
    }

    @Test func aLostLookupFileIsRebuiltFromTheEvents() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("audit.sqlite")
        let records = (0..<30).map { AuditFixtures.read("pat-\($0 % 3)", "Observation/o\($0 % 4)", at: Double($0)) }
        let log = try SQLiteAuditLog(path: path)
        for chunk in stride(from: 0, to: records.count, by: 7) { try await log.append(Array(records[chunk..<min(chunk + 7, records.count)])) }
        try await log.close()
        removeLookupFile(path)

        let reopened = try SQLiteAuditLog(path: path)
        #expect(try await patientEvents(reopened, "pat-1") == Set(records.enumerated().filter { $0.offset % 3 == 1 }.map(\.element.id)))
        #expect(try await entityEvents(reopened, "Observation/o2") == Set(records.enumerated().filter { $0.offset % 4 == 2 }.map(\.element.id)))
        #expect(try await reopened.verify() == AuditVerification(checkedCount: 30, firstBreak: nil))
        try await reopened.close()
    }

    @Test func lookupsLeftBehindByACrashAreCaughtUpAtOpen() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("audit.sqlite")
        let records = (0..<10).map { AuditFixtures.read("pat-x", "Observation/o\($0)", at: Double($0)) }
        let log = try SQLiteAuditLog(path: path)
        try await log.append(Array(records[0..<4]))
        try await log.append(Array(records[4...]))
        try await log.close()
        // As after a power cut between the events' commit and their lookups': the last lookups are gone.
        try AuditFixtures.tamper(path) { db in
            try db.execute(sql: """
                DELETE FROM lookup.audit_patient WHERE seq > 4; DELETE FROM lookup.audit_entity WHERE seq > 4;
                UPDATE lookup.audit_lookup_state SET indexed_seq = 4;
                """)
        }
        let reopened = try SQLiteAuditLog(path: path)
        #expect(try await patientEvents(reopened, "pat-x") == Set(records.map(\.id)))
        #expect(try await reopened.rows("SELECT indexed_seq FROM lookup.audit_lookup_state") == [["10"]])
        #expect(try await reopened.verify() == AuditVerification(checkedCount: 10, firstBreak: nil))
        try await reopened.close()
    }

    @Test func aTrailWithItsLookupsInsideMigratesToTheLookupFile() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("audit.sqlite")
        let records = (0..<6).map { AuditFixtures.read("pat-\($0 % 2)", at: Double($0)) }
        let log = try SQLiteAuditLog(path: path)
        try await log.append(records)
        try await log.close()
        // Put the trail back in its v1 layout: lookups inside audit.sqlite, no lookup file, v2 not applied.
        try AuditFixtures.tamper(path) { db in
            try db.execute(sql: """
                CREATE TABLE main.audit_patient (patient_id TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (patient_id, seq)) STRICT, WITHOUT ROWID;
                CREATE TABLE main.audit_entity (reference TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (reference, seq)) STRICT, WITHOUT ROWID;
                INSERT INTO main.audit_patient SELECT patient_id, seq FROM lookup.audit_patient;
                INSERT INTO main.audit_entity SELECT reference, seq FROM lookup.audit_entity;
                DELETE FROM main.grdb_migrations WHERE identifier = 'v2-lookups-in-their-own-file';
                """)
        }
        removeLookupFile(path)

        let migrated = try SQLiteAuditLog(path: path)
        #expect(try await migrated.rows("SELECT count(*) FROM main.sqlite_master WHERE name IN ('audit_patient', 'audit_entity')") == [["0"]])
        #expect(try await patientEvents(migrated, "pat-0") == Set(records.enumerated().filter { $0.offset % 2 == 0 }.map(\.element.id)))
        #expect(try await migrated.verify() == AuditVerification(checkedCount: 6, firstBreak: nil))
        try await migrated.close()
    }
}
