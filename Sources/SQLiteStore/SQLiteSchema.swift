import GRDB

/// The database schema, as named, append-only migrations: never edit a registered migration, add a new one.
///
/// Layout (see DESIGN.md, "Distributable by patient"):
/// - `resource` maps `(type, id)` to the resource's current patient key, version and deletion flag. It is what
///   read-by-id, the version check of a write and the search joins go through, and what keeps ids unique across
///   patients. `resource_by_id` serves `_id` searches across all types.
/// - `resource_version` holds every version, clustered by `(patient_key, type, id, version)` (a `WITHOUT ROWID`
///   table: a patient's record is contiguous on disk). `seq` is a global, monotonically increasing number that
///   orders history and serves as the paging cursor; `last_updated` (microseconds since 1970) increases with it.
///   A version stays under the patient key it was written with: when a resource moves to another patient its
///   older versions stay where they are and are found through `resource_version_by_resource`.
/// - `token_index` holds the token entries of current, non-deleted versions only, clustered by
///   `(patient_key, type, id, ...)` so that replacing a resource's entries is one range delete;
///   `token_index_by_code` serves searches across patients, with or without a type; a `system|` search
///   (no code) scans the entries of its parameter.
///
/// Every invariant that can be stated in SQL is (NOT NULL, CHECK, UNIQUE): a bug in the store fails loudly
/// instead of corrupting data.
enum SQLiteSchema {
    /// The migrator that creates or upgrades the schema.
    static func migrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1 resources, versions and token index") { db in
            try db.execute(sql: """
                CREATE TABLE resource (
                    type TEXT NOT NULL CHECK (length(type) > 0),
                    id TEXT NOT NULL CHECK (length(id) > 0),
                    patient_key TEXT NOT NULL,
                    version INTEGER NOT NULL CHECK (version >= 1),
                    deleted INTEGER NOT NULL CHECK (deleted IN (0, 1)),
                    PRIMARY KEY (type, id)
                ) STRICT, WITHOUT ROWID;
                CREATE INDEX resource_by_id ON resource (id);

                CREATE TABLE resource_version (
                    patient_key TEXT NOT NULL,
                    type TEXT NOT NULL CHECK (length(type) > 0),
                    id TEXT NOT NULL CHECK (length(id) > 0),
                    version INTEGER NOT NULL CHECK (version >= 1),
                    seq INTEGER NOT NULL CHECK (seq >= 1),
                    last_updated INTEGER NOT NULL,
                    method TEXT NOT NULL CHECK (method IN ('POST', 'PUT', 'PATCH', 'DELETE')),
                    content BLOB NOT NULL CHECK ((method = 'DELETE') = (length(content) = 0)),
                    PRIMARY KEY (patient_key, type, id, version)
                ) STRICT, WITHOUT ROWID;
                CREATE UNIQUE INDEX resource_version_by_resource ON resource_version (type, id, version);
                CREATE UNIQUE INDEX resource_version_by_seq ON resource_version (seq);
                CREATE INDEX resource_version_by_type ON resource_version (type, seq);
                CREATE INDEX resource_version_by_time ON resource_version (last_updated, seq);

                CREATE TABLE token_index (
                    patient_key TEXT NOT NULL,
                    type TEXT NOT NULL,
                    id TEXT NOT NULL,
                    param TEXT NOT NULL CHECK (length(param) > 0),
                    system TEXT NOT NULL, -- '' when the entry has no system
                    code TEXT NOT NULL,
                    PRIMARY KEY (patient_key, type, id, param, system, code)
                ) STRICT, WITHOUT ROWID;
                CREATE INDEX token_index_by_code ON token_index (param, code, type, system);
                """)
        }
        return migrator
    }
}
