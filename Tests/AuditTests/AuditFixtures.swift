import Audit
import Foundation
import GRDB
import SQLiteAudit

/// Records and helpers shared by the audit tests.
enum AuditFixtures {
    static let source = AuditSource(name: "dossier.test", baseURL: "http://127.0.0.1:8080/fhir")
    static let start = Date(timeIntervalSince1970: 1_767_225_600) // 2026-01-01T00:00:00Z

    /// The instant `seconds` after ``start``.
    static func time(_ seconds: Double) -> Date { start.addingTimeInterval(seconds) }

    static let doctor = AuditAgent(who: "Practitioner/p1", role: "PractitionerRole/r1", organization: "Organization/h1",
                                   profession: AuditCoding(system: "http://terminology.hl7.org/CodeSystem/practitioner-role",
                                                           code: "doctor"),
                                   clientID: "hospital-ehr")

    /// A read of `patient`'s resource `entity` by `agent`.
    static func read(_ patient: String, _ entity: String = "Observation/o1", by agent: AuditAgent = doctor,
                     at seconds: Double = 0, id: String = UUID().uuidString.lowercased()) -> AuditRecord {
        AuditRecord(id: id, recorded: time(seconds), interaction: .read, agent: agent, purposeOfUse: [.treatment],
                    patientIDs: [patient], entities: [AuditEntity(reference: entity, version: "1")], source: source,
                    remoteAddress: "127.0.0.1")
    }

    /// Opens a plain connection to the audit file (the log must be closed), drops the append-only triggers and runs
    /// `body`: what someone with write access to the file could do.
    static func tamper(_ path: String, _ body: (Database) throws -> Void) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in
            // The lookups live in their own file, attached as the log attaches it.
            try db.execute(sql: "ATTACH DATABASE ? AS lookup", arguments: [SQLiteAuditLog.lookupPath(for: path)])
            for table in ["main.audit_event", "lookup.audit_patient", "lookup.audit_entity"] {
                try db.execute(sql: "DROP TRIGGER IF EXISTS \(table)_no_update; DROP TRIGGER IF EXISTS \(table)_no_delete")
            }
            try body(db)
        }
        try queue.close()
    }
}
