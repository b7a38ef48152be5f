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
/// - v2 adds the index tables of the other parameter types, laid out the same way (see ``v2SearchIndex``).
/// - v3 replaces the text keys by integers (`rid`, `patient`, `param`) in every table (see ``v3IntegerKeys``):
///   that is the current layout; the descriptions above are v1's and v2's.
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
        migrator.registerMigration("v2 search index of every parameter type") { db in
            try db.execute(sql: v2SearchIndex)
        }
        migrator.registerMigration("v3 integer keys") { db in
            try db.execute(sql: v3IntegerKeys)
        }
        return migrator
    }

    /// The index tables of the other parameter types. Like `token_index`, they hold the entries of current,
    /// non-deleted versions only (so a row proves its resource is live), every row carries the resource's
    /// `patient_key` and every primary key leads with `(patient_key, type, id, param)`: replacing a resource's
    /// entries is one range delete per table, a probe "does this resource have a matching entry" is a primary-key
    /// seek, and the tables can be distributed by patient. Absent texts are stored as `''`.
    ///
    /// Secondary indexes are few on purpose (each one costs every insert): one per table, serving the lookup of
    /// a value across resources when that condition drives a search, and a partial one for absolute/canonical
    /// references. Token text (`:text`), identifier types (`:of-type`) and reference identifiers (`:identifier`)
    /// go into `token_index` under the parameter code suffixed with the modifier (`code:text`,
    /// `identifier:of-type`, `subject:identifier`; `:` never occurs in a parameter code), so they need no table
    /// or index of their own.
    static let v2SearchIndex = """
        CREATE TABLE string_index (
            patient_key TEXT NOT NULL,
            type TEXT NOT NULL,
            id TEXT NOT NULL,
            param TEXT NOT NULL CHECK (length(param) > 0),
            normalized TEXT NOT NULL, -- SearchText.normalize(exact)
            exact TEXT NOT NULL,
            PRIMARY KEY (patient_key, type, id, param, normalized, exact)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX string_index_by_value ON string_index (param, normalized, type);

        CREATE TABLE date_index (
            patient_key TEXT NOT NULL,
            type TEXT NOT NULL,
            id TEXT NOT NULL,
            param TEXT NOT NULL CHECK (length(param) > 0),
            low INTEGER NOT NULL, -- microseconds since 1970, inclusive; Int64.min when open
            high INTEGER NOT NULL, -- inclusive; Int64.max when open
            CHECK (low <= high),
            PRIMARY KEY (patient_key, type, id, param, low, high)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX date_index_by_value ON date_index (param, low, high, type);

        CREATE TABLE number_index (
            patient_key TEXT NOT NULL,
            type TEXT NOT NULL,
            id TEXT NOT NULL,
            param TEXT NOT NULL CHECK (length(param) > 0),
            value REAL NOT NULL,
            low REAL NOT NULL,
            high REAL NOT NULL,
            PRIMARY KEY (patient_key, type, id, param, value, low, high)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX number_index_by_value ON number_index (param, value, type);

        CREATE TABLE quantity_index (
            patient_key TEXT NOT NULL,
            type TEXT NOT NULL,
            id TEXT NOT NULL,
            param TEXT NOT NULL CHECK (length(param) > 0),
            system TEXT NOT NULL,
            code TEXT NOT NULL,
            unit TEXT NOT NULL,
            value REAL NOT NULL,
            low REAL NOT NULL,
            high REAL NOT NULL,
            canonical INTEGER NOT NULL CHECK (canonical IN (0, 1)),
            PRIMARY KEY (patient_key, type, id, param, canonical, system, code, unit, value, low, high)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX quantity_index_by_value ON quantity_index (param, code, value, type);

        -- A local reference has target_type and target_id and url = ''; an absolute or canonical one has its url
        -- (and target_type/target_id when the URL ends in Type/id). target_version: '' when unversioned.
        CREATE TABLE reference_index (
            patient_key TEXT NOT NULL,
            type TEXT NOT NULL,
            id TEXT NOT NULL,
            param TEXT NOT NULL CHECK (length(param) > 0),
            target_type TEXT NOT NULL,
            target_id TEXT NOT NULL,
            url TEXT NOT NULL,
            target_version TEXT NOT NULL,
            CHECK (length(url) > 0 OR length(target_id) > 0 OR length(target_type) > 0),
            PRIMARY KEY (patient_key, type, id, param, target_type, target_id, url, target_version)
        ) STRICT, WITHOUT ROWID;
        -- target_id first: `subject=123` (no type) uses it as well as `subject=Patient/123`.
        CREATE INDEX reference_index_by_target ON reference_index (param, target_id, target_type, type);
        CREATE INDEX reference_index_by_url ON reference_index (param, url, type) WHERE url <> '';

        CREATE TABLE uri_index (
            patient_key TEXT NOT NULL,
            type TEXT NOT NULL,
            id TEXT NOT NULL,
            param TEXT NOT NULL CHECK (length(param) > 0),
            uri TEXT NOT NULL,
            PRIMARY KEY (patient_key, type, id, param, uri)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX uri_index_by_value ON uri_index (param, uri, type);

        -- One row per component of one composite entry (`occurrence` numbers the entries of a parameter within
        -- the resource, `component` the components in definition order). Generic columns, by component kind:
        -- token/tokenText/of-type/reference identifier s1 = system, s2 = code (as in token_index); string
        -- s1 = normalized, s2 = exact; date n1 = low, n2 = high; number n1 = value, n2 = low, n3 = high;
        -- quantity s1 = system, s2 = code, s3 = unit, n1..n3 as number; reference s1 = target_type,
        -- s2 = target_id, s3 = url, s4 = target_version; uri s1.
        CREATE TABLE composite_index (
            patient_key TEXT NOT NULL,
            type TEXT NOT NULL,
            id TEXT NOT NULL,
            param TEXT NOT NULL CHECK (length(param) > 0),
            occurrence INTEGER NOT NULL CHECK (occurrence >= 0),
            component INTEGER NOT NULL CHECK (component >= 0),
            s1 TEXT NOT NULL,
            s2 TEXT NOT NULL,
            s3 TEXT NOT NULL,
            s4 TEXT NOT NULL,
            n1 ANY,
            n2 ANY,
            n3 ANY,
            PRIMARY KEY (patient_key, type, id, param, occurrence, component)
        ) STRICT, WITHOUT ROWID;
        -- The first component (usually the code) of each entry, for composite searches across patients.
        CREATE INDEX composite_index_by_first ON composite_index (param, s2, type) WHERE component = 0;
        """
}
