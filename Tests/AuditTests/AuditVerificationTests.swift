import Audit
import FHIRCore
import Foundation
import GRDB
import Testing
@testable import SQLiteAudit

/// `verify` finds every kind of tampering done with the triggers dropped, at the first event it breaks.
@Suite struct AuditVerificationTests {
    /// A log of five reads (patients a, b, a, b, a), closed, at `path`.
    private func makeTrail(_ path: String) async throws -> [AuditRecord] {
        let records = (0..<5).map { AuditFixtures.read($0 % 2 == 0 ? "a" : "b", "Observation/o\($0)", at: Double($0)) }
        let log = try SQLiteAuditLog(path: path)
        try await log.append(Array(records[0..<2]))
        try await log.append(Array(records[2...]))
        try await log.close()
        return records
    }

    private func verify(_ path: String) async throws -> AuditVerification {
        let log = try SQLiteAuditLog(path: path)
        let result = try await log.verify()
        try await log.close()
        return result
    }

    /// Makes a fresh trail, lets `tamper` change it with the triggers dropped, and verifies it.
    private func verifyAfterTampering(_ tamper: ([AuditRecord], Database) throws -> Void) async throws -> AuditVerification {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("audit.sqlite")
        let records = try await makeTrail(path)
        try AuditFixtures.tamper(path) { db in try tamper(records, db) }
        return try await verify(path)
    }

    /// ``verifyAfterTampering(_:)`` with plain SQL.
    private func verifyAfterTampering(sql: String) async throws -> AuditVerification {
        try await verifyAfterTampering { _, db in try db.execute(sql: sql) }
    }

    @Test func anIntactTrailVerifies() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("audit.sqlite")
        _ = try await makeTrail(path)
        let result = try await verify(path)
        #expect(result == AuditVerification(checkedCount: 5, firstBreak: nil))
        #expect(result.summary == "audit trail intact: 5 events")
    }

    @Test func aModifiedEventIsAHashMismatch() async throws {
        var id: String?
        let result = try await verifyAfterTampering { records, db in
            id = records[2].id
            try db.execute(sql: "UPDATE audit_event SET json = CAST(replace(CAST(json AS TEXT), '\"0\"', '\"4\"') AS BLOB) WHERE seq = 3")
        }
        #expect(result.checkedCount == 2)
        #expect(result.firstBreak?.sequence == 3)
        #expect(result.firstBreak?.eventID == id)
        #expect(result.firstBreak?.reason == .hashMismatch)
        #expect(result.summary.hasPrefix("audit trail BROKEN at event 3"))
    }

    @Test(arguments: [
        "UPDATE audit_event SET agent = 'Practitioner/someone-else' WHERE seq = 2",
        "UPDATE audit_event SET emergency = 1 WHERE seq = 2",
        "UPDATE audit_event SET outcome = 4 WHERE seq = 2",
        "UPDATE audit_patient SET patient_id = 'c' WHERE seq = 2",
        "DELETE FROM audit_patient WHERE seq = 2",
        "DELETE FROM audit_entity WHERE seq = 2 AND reference LIKE 'Observation/%'",
        "INSERT INTO audit_patient (patient_id, seq) VALUES ('z', 2)",
    ])
    func aModifiedIndexRowIsAModifiedRow(_ sql: String) async throws {
        let result = try await verifyAfterTampering(sql: sql)
        #expect(result.firstBreak?.sequence == 2)
        #expect(result.firstBreak?.reason == .modifiedRow)
        #expect(result.checkedCount == 1)
    }

    @Test func aRowForAnEventThatDoesNotExistIsAModifiedRow() async throws {
        let result = try await verifyAfterTampering(sql: "INSERT INTO audit_patient VALUES ('a', 99)")
        #expect(result.firstBreak?.sequence == 99)
        #expect(result.firstBreak?.reason == .modifiedRow)
    }

    @Test func aDeletedEventIsAMissingSequence() async throws {
        let result = try await verifyAfterTampering(sql: "DELETE FROM audit_event WHERE seq = 2; DELETE FROM audit_patient WHERE seq = 2")
        #expect(result.firstBreak?.sequence == 2)
        #expect(result.firstBreak?.reason == .missingSequence)
        #expect(result.checkedCount == 1)
    }

    @Test func deletedAndRenumberedEventsBreakTheChain() async throws {
        // Remove event 2 and close the gap: the numbers follow, the hashes do not.
        let result = try await verifyAfterTampering(sql: """
            DELETE FROM audit_event WHERE seq = 2; DELETE FROM audit_patient WHERE seq = 2;
            DELETE FROM audit_entity WHERE seq = 2;
            UPDATE audit_event SET seq = seq - 1 WHERE seq > 2;
            UPDATE audit_patient SET seq = seq - 1 WHERE seq > 2;
            UPDATE audit_entity SET seq = seq - 1 WHERE seq > 2;
            """)
        #expect(result.firstBreak?.sequence == 2)
        #expect(result.firstBreak?.reason == .chainBroken)
    }

    @Test func removingTheLastEventsIsATruncation() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("audit.sqlite")
        _ = try await makeTrail(path)
        try AuditFixtures.tamper(path) { db in
            try db.execute(sql: """
                DELETE FROM audit_event WHERE seq >= 4; DELETE FROM audit_patient WHERE seq >= 4;
                DELETE FROM audit_entity WHERE seq >= 4;
                """)
        }
        let result = try await verify(path)
        #expect(result.checkedCount == 3)
        #expect(result.firstBreak?.sequence == 4)
        #expect(result.firstBreak?.reason == .truncated)

        // Appending after the cut does not hide it: numbers are never reused, so the gap stays.
        let log = try SQLiteAuditLog(path: path)
        try await log.append([AuditFixtures.read("a")])
        let after = try await log.verify()
        try await log.close()
        #expect(after.firstBreak?.sequence == 4)
        #expect(after.firstBreak?.reason == .missingSequence)
    }

    @Test func aRewrittenEventWithItsHashRecomputedBreaksTheChainAtTheNextEvent() async throws {
        let result = try await verifyAfterTampering { records, db in
            // A forger who knows the scheme rewrites event 3 as a failed read, consistently: JSON, columns, hash.
            var forged = records[2]
            forged.outcome = .minorFailure
            let bytes = forged.auditEvent().serialized()
            let previous = try Data.fetchOne(db, sql: "SELECT prev_hash FROM audit_event WHERE seq = 3")!
            let hash = AuditHashChain.hash(previous: [UInt8](previous), bytes: bytes)
            try db.execute(sql: "UPDATE audit_event SET json = ?, outcome = 4, hash = ? WHERE seq = 3",
                           arguments: [Data(bytes), Data(hash)])
        }
        #expect(result.checkedCount == 3)
        #expect(result.firstBreak?.sequence == 4)
        #expect(result.firstBreak?.reason == .chainBroken)
    }

    @Test func reorderedEventsBreakTheChain() async throws {
        // Swap events 2 and 3 with all their rows.
        let swaps = ["audit_event", "audit_patient", "audit_entity"].map { table in
            "UPDATE \(table) SET seq = 100 WHERE seq = 2; UPDATE \(table) SET seq = 2 WHERE seq = 3; "
                + "UPDATE \(table) SET seq = 3 WHERE seq = 100;"
        }
        let result = try await verifyAfterTampering(sql: swaps.joined(separator: "\n"))
        #expect(result.checkedCount == 1)
        #expect(result.firstBreak?.sequence == 2)
        #expect(result.firstBreak?.reason == .chainBroken)
    }

    @Test func anInsertedForgedEventBreaksTheChain() async throws {
        let result = try await verifyAfterTampering { _, db in
            let forged = AuditFixtures.read("a", at: 100)
            let bytes = forged.auditEvent().serialized()
            let hash = AuditHashChain.hash(previous: AuditHashChain.genesis, bytes: bytes)
            try db.execute(sql: """
                INSERT INTO audit_event (id, recorded, agent, role, organization, emergency, type, subtype, action,
                                         outcome, json, prev_hash, hash)
                SELECT ?, recorded, agent, role, organization, emergency, type, subtype, action, outcome, ?, ?, ?
                FROM audit_event WHERE seq = 1
                """, arguments: [forged.id, Data(bytes), Data(AuditHashChain.genesis), Data(hash)])
        }
        #expect(result.checkedCount == 5)
        #expect(result.firstBreak?.sequence == 6)
        #expect(result.firstBreak?.reason == .chainBroken)
    }

    @Test func theCommandLineCheckReportsAnIntactABrokenAndAMissingTrail() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("audit.sqlite")

        let missing = try await AuditTrailReport.check(databasePath: path)
        #expect(!missing.isIntact)
        #expect(missing.message == "no audit trail at \(path)")
        #expect(!FileManager.default.fileExists(atPath: path))

        _ = try await makeTrail(path)
        let intact = try await AuditTrailReport.check(databasePath: path)
        #expect(intact.isIntact)
        #expect(intact.message == "audit trail intact: 5 events")

        try AuditFixtures.tamper(path) { db in try db.execute(sql: "UPDATE audit_event SET outcome = 12 WHERE seq = 4") }
        let broken = try await AuditTrailReport.check(databasePath: path)
        #expect(!broken.isIntact)
        #expect(broken.verification?.firstBreak?.sequence == 4)
        #expect(broken.message.hasPrefix("audit trail BROKEN at event 4"))
        #expect(broken.message.contains("modified row"))
    }
}
