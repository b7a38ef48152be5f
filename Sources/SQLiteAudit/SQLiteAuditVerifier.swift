import Audit
import FHIRCore
import Foundation
import GRDB

/// Checks a whole audit database in one read transaction (a consistent snapshot), streaming: events in sequence
/// order, merged with the patient and entity rows read in the same order, so memory stays bounded.
///
/// For each event: its number follows the previous one; its `prev_hash` is the previous event's hash; its JSON
/// hashes (with that previous hash) to its `hash`; the columns and the patient/entity rows (for the events the lookup
/// file has indexed) equal what its JSON says.
/// Then: no patient or entity row belongs to an event that does not exist, and no number above the last event
/// was ever issued (`sqlite_sequence`: the end was not cut off). The first failure is reported.
enum SQLiteAuditVerifier {
    static func verify(_ db: Database) throws -> AuditVerification {
        // Read first, so that the lookup file's snapshot is no newer than the events': the lookups of later events
        // may not be written yet, and are then not expected.
        let indexed = try Int64.fetchOne(db, sql: "SELECT indexed_seq FROM lookup.audit_lookup_state") ?? 0
        let events = try Row.fetchCursor(db, sql: """
            SELECT seq, id, recorded, agent, role, organization, emergency, type, subtype, action, outcome, json,
                   prev_hash, hash
            FROM audit_event ORDER BY seq
            """)
        var patients = try MergedRows(db, sql: "SELECT seq, patient_id FROM audit_patient ORDER BY seq, patient_id")
        var entities = try MergedRows(db, sql: "SELECT seq, reference FROM audit_entity ORDER BY seq, reference")
        var checked = 0
        var expected: Int64 = 1
        var previous = AuditHashChain.genesis

        func broken(_ sequence: Int64, _ id: String?, _ reason: AuditVerification.Reason, _ detail: String) -> AuditVerification {
            AuditVerification(checkedCount: checked,
                              firstBreak: .init(sequence: sequence, eventID: id, reason: reason, detail: detail))
        }

        while let row = try events.next() {
            let seq: Int64 = row["seq"]
            let id: String = row["id"]
            if seq != expected {
                let missing = seq - 1 == expected ? "event \(expected) is" : "events \(expected)–\(seq - 1) are"
                return broken(expected, nil, .missingSequence, "\(missing) missing")
            }
            let json = [UInt8](row["json"] as Data)
            let prevHash = [UInt8](row["prev_hash"] as Data)
            let hash = [UInt8](row["hash"] as Data)
            if prevHash != previous {
                return broken(seq, id, .chainBroken, seq == 1
                    ? "the first event does not chain from the genesis hash"
                    : "its previous hash is not the hash of event \(seq - 1) (an event was rewritten, removed, inserted or reordered)")
            }
            if AuditHashChain.hash(previous: previous, bytes: json) != hash {
                return broken(seq, id, .hashMismatch, "its content does not match its hash (modified)")
            }
            guard let event = try? JSON.parse(json), let keys = AuditEventKeys(event: event) else {
                return broken(seq, id, .unreadable, "its content is not an AuditEvent of this log")
            }
            if let column = mismatchedColumn(row, keys) {
                return broken(seq, id, .modifiedRow, "its \(column) column differs from its AuditEvent")
            }
            let (orphanPatient, patientIDs) = try patients.take(seq)
            if let orphanPatient {
                return broken(orphanPatient, nil, .modifiedRow, "a patient row names event \(orphanPatient), which does not exist")
            }
            if seq <= indexed, patientIDs != keys.patientIDs {
                return broken(seq, id, .modifiedRow, "its patient rows differ from its AuditEvent")
            }
            let (orphanEntity, references) = try entities.take(seq)
            if let orphanEntity {
                return broken(orphanEntity, nil, .modifiedRow, "an entity row names event \(orphanEntity), which does not exist")
            }
            if seq <= indexed, references != keys.entityReferences {
                return broken(seq, id, .modifiedRow, "its entity rows differ from its AuditEvent")
            }
            previous = hash
            checked += 1
            expected = seq + 1
        }
        if let orphan = patients.remainingSequence() ?? entities.remainingSequence() {
            return broken(orphan, nil, .modifiedRow, "patient or entity rows name event \(orphan), which does not exist")
        }
        let issued = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'audit_event'") ?? 0
        if issued >= expected {
            let missing = issued == expected ? "event \(expected) was" : "events \(expected)–\(issued) were"
            return broken(expected, nil, .truncated, "\(missing) issued but are missing from the end of the trail")
        }
        return AuditVerification(checkedCount: checked, firstBreak: nil)
    }

    /// The first indexed column whose value is not the one the event's JSON gives.
    private static func mismatchedColumn(_ row: Row, _ keys: AuditEventKeys) -> String? {
        if (row["id"] as String) != keys.id { return "id" }
        if (row["recorded"] as Int64) != keys.recordedMicroseconds { return "recorded" }
        if (row["agent"] as String) != keys.agent { return "agent" }
        if (row["role"] as String?) != keys.role { return "role" }
        if (row["organization"] as String?) != keys.organization { return "organization" }
        if (row["emergency"] as Bool) != keys.isEmergency { return "emergency" }
        if (row["type"] as String) != keys.type { return "type" }
        if (row["subtype"] as String) != keys.subtypes { return "subtype" }
        if (row["action"] as String) != keys.action { return "action" }
        if (row["outcome"] as Int) != keys.outcome { return "outcome" }
        return nil
    }

    /// `(seq, value)` rows in `seq` order, consumed event by event.
    private struct MergedRows {
        private let cursor: RowCursor
        private var pending: (Int64, String)?

        init(_ db: Database, sql: String) throws {
            cursor = try Row.fetchCursor(db, sql: sql)
            pending = try Self.read(cursor)
        }

        /// The values of event `seq`; or the sequence of a row that precedes it (its event does not exist).
        mutating func take(_ seq: Int64) throws -> (orphan: Int64?, values: [String]) {
            var values: [String] = []
            while let row = pending, row.0 <= seq {
                if row.0 < seq { return (row.0, []) }
                values.append(row.1)
                pending = try Self.read(cursor)
            }
            return (nil, values)
        }

        /// The sequence of a row left after the last event.
        func remainingSequence() -> Int64? { pending?.0 }

        private static func read(_ cursor: RowCursor) throws -> (Int64, String)? {
            guard let row = try cursor.next() else { return nil }
            return (row[0], row[1])
        }
    }
}
