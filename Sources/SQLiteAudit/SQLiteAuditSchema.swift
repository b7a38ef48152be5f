import GRDB

/// The audit database's schema, as named, append-only migrations.
///
/// `audit_event` holds one row per event in commit order (`seq`, AUTOINCREMENT so that a number is never reused
/// and `sqlite_sequence` remembers the highest ever issued), its JSON exactly as hashed, the chain (`prev_hash`,
/// `hash`) and the columns the filters and scopes use. `audit_patient` and `audit_entity` list each event's
/// patients and entity references for indexed lookups; since v2 they live in a separate file attached as
/// `lookup` (``createLookupTables(_:)``). Triggers refuse every UPDATE and DELETE: the trail is
/// append-only (tamper-evidence still rests on the chain, which `verify` checks).
enum SQLiteAuditSchema {
    static func migrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-audit-trail") { db in
            try db.execute(sql: """
                CREATE TABLE audit_event (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    id TEXT NOT NULL UNIQUE,
                    recorded INTEGER NOT NULL,
                    agent TEXT NOT NULL,
                    role TEXT,
                    organization TEXT,
                    emergency INTEGER NOT NULL CHECK (emergency IN (0, 1)),
                    type TEXT NOT NULL,
                    subtype TEXT NOT NULL,
                    action TEXT NOT NULL CHECK (action IN ('C', 'R', 'U', 'D', 'E')),
                    outcome INTEGER NOT NULL CHECK (outcome IN (0, 4, 8, 12)),
                    json BLOB NOT NULL,
                    prev_hash BLOB NOT NULL CHECK (length(prev_hash) = 32),
                    hash BLOB NOT NULL CHECK (length(hash) = 32)
                ) STRICT;
                CREATE INDEX audit_event_by_agent ON audit_event(agent, seq);
                CREATE INDEX audit_event_by_role ON audit_event(role, seq) WHERE role IS NOT NULL;
                CREATE INDEX audit_event_by_organization ON audit_event(organization, seq) WHERE organization IS NOT NULL;
                CREATE INDEX audit_event_emergency ON audit_event(organization, seq) WHERE emergency = 1;
                CREATE INDEX audit_event_by_recorded ON audit_event(recorded);

                CREATE TABLE audit_patient (
                    patient_id TEXT NOT NULL,
                    seq INTEGER NOT NULL,
                    PRIMARY KEY (patient_id, seq)
                ) STRICT, WITHOUT ROWID;
                CREATE INDEX audit_patient_by_seq ON audit_patient(seq, patient_id);

                CREATE TABLE audit_entity (
                    reference TEXT NOT NULL,
                    seq INTEGER NOT NULL,
                    PRIMARY KEY (reference, seq)
                ) STRICT, WITHOUT ROWID;
                CREATE INDEX audit_entity_by_seq ON audit_entity(seq, reference);
                """)
            for table in ["audit_event", "audit_patient", "audit_entity"] {
                for operation in ["UPDATE", "DELETE"] {
                    try db.execute(sql: """
                        CREATE TRIGGER \(table)_no_\(operation.lowercased()) BEFORE \(operation) ON \(table)
                        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
                        """)
                }
            }
        }
        // The patient and entity lookups move to their own file (``SQLiteAuditLog`` attaches it as `lookup`): a
        // durable append then writes only the event pages, and the lookups, derived from the events, are written
        // without an fsync of their own and rebuilt from the events whenever they fall behind.
        migrator.registerMigration("v2-lookups-in-their-own-file") { db in
            try db.execute(sql: "DROP TABLE main.audit_patient; DROP TABLE main.audit_entity;")
        }
        return migrator
    }

    /// The name under which the lookup file is attached to every connection.
    static let lookupSchema = "lookup"

    /// Creates the lookup tables in the attached lookup file if they are missing (a new file, or one deleted to
    /// be rebuilt). `audit_lookup_state.indexed_seq` is the last event whose lookups are written.
    static func createLookupTables(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS lookup.audit_patient (
                patient_id TEXT NOT NULL,
                seq INTEGER NOT NULL,
                PRIMARY KEY (patient_id, seq)
            ) STRICT, WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS lookup.audit_patient_by_seq ON audit_patient(seq, patient_id);
            CREATE TABLE IF NOT EXISTS lookup.audit_entity (
                reference TEXT NOT NULL,
                seq INTEGER NOT NULL,
                PRIMARY KEY (reference, seq)
            ) STRICT, WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS lookup.audit_entity_by_seq ON audit_entity(seq, reference);
            CREATE TABLE IF NOT EXISTS lookup.audit_lookup_state (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                indexed_seq INTEGER NOT NULL
            ) STRICT;
            INSERT OR IGNORE INTO lookup.audit_lookup_state (id, indexed_seq) VALUES (1, 0);
            """)
        // Like the events, lookup rows are only ever added (a rebuild starts from a new file).
        for table in ["audit_patient", "audit_entity"] {
            for operation in ["UPDATE", "DELETE"] {
                try db.execute(sql: """
                    CREATE TRIGGER IF NOT EXISTS lookup.\(table)_no_\(operation.lowercased()) BEFORE \(operation) ON \(table)
                    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
                    """)
            }
        }
    }
}
