extension SQLiteSchema {
    /// The name SQLite gives the primary key of `resource_version` (a `WITHOUT ROWID` table's first constraint
    /// index), for `INDEXED BY`.
    static let versionPrimaryKey = "sqlite_autoindex_resource_version_1"

    /// v3: integer keys. v1 and v2 repeated `(patient_key, type, id)` as text in every row of every table (an
    /// index row of a Synthea Observation was ~80 bytes of key for ~20 bytes of value, and each secondary index
    /// repeated it again). v3 gives each resource an integer `rid`, each patient key an integer `patient`
    /// (`patient_key` maps it to its text; `0` is `''`, the key of resources outside every patient's record)
    /// and each `(type, code)` of a search parameter an integer `param` (`search_param`), so the index tables
    /// are keyed `(patient, rid, param, ...)`: still clustered by patient, a third of the bytes.
    ///
    /// - `resource` (`rid INTEGER PRIMARY KEY`) holds `type`, `id`, the current `patient`, `version` and
    ///   `deleted`; `resource_by_type_id` keeps `(type, id)` unique and serves read by id, `resource_by_id`
    ///   serves `_id` across types.
    /// - `resource_version` is clustered by `(patient, rid, version)`; `resource_version_by_resource (rid,
    ///   version)` finds the versions of a resource whatever patient they were written under. It keeps `type`
    ///   for type-level history (`resource_version_by_type`).
    /// - Index tables: `(patient, rid, param, <values>)` primary keys, and secondary indexes led by the integer
    ///   `param`: a parameter of one resource type, so they no longer need the type.
    ///
    /// The migration copies v2's rows in SQL, in key order, then drops the v2 tables.
    static let v3IntegerKeys = """
        CREATE TABLE patient_key (
            patient INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE
        ) STRICT;
        INSERT INTO patient_key (patient, key) VALUES (0, '');
        INSERT INTO patient_key (key)
            SELECT DISTINCT patient_key FROM resource_version WHERE patient_key <> '' ORDER BY patient_key;

        CREATE TABLE search_param (
            param INTEGER PRIMARY KEY,
            type TEXT NOT NULL CHECK (length(type) > 0),
            code TEXT NOT NULL CHECK (length(code) > 0),
            UNIQUE (type, code)
        ) STRICT;
        CREATE INDEX search_param_by_code ON search_param (code);
        INSERT INTO search_param (type, code)
            SELECT type, param FROM token_index UNION SELECT type, param FROM string_index
            UNION SELECT type, param FROM date_index UNION SELECT type, param FROM number_index
            UNION SELECT type, param FROM quantity_index UNION SELECT type, param FROM reference_index
            UNION SELECT type, param FROM uri_index UNION SELECT type, param FROM composite_index
            ORDER BY 1, 2;

        DROP INDEX resource_by_id;
        DROP INDEX resource_version_by_resource;
        DROP INDEX resource_version_by_seq;
        DROP INDEX resource_version_by_type;
        DROP INDEX resource_version_by_time;
        DROP INDEX token_index_by_code;
        DROP INDEX string_index_by_value;
        DROP INDEX date_index_by_value;
        DROP INDEX number_index_by_value;
        DROP INDEX quantity_index_by_value;
        DROP INDEX reference_index_by_target;
        DROP INDEX reference_index_by_url;
        DROP INDEX uri_index_by_value;
        DROP INDEX composite_index_by_first;
        ALTER TABLE resource RENAME TO v2_resource;
        ALTER TABLE resource_version RENAME TO v2_resource_version;
        ALTER TABLE token_index RENAME TO v2_token_index;
        ALTER TABLE string_index RENAME TO v2_string_index;
        ALTER TABLE date_index RENAME TO v2_date_index;
        ALTER TABLE number_index RENAME TO v2_number_index;
        ALTER TABLE quantity_index RENAME TO v2_quantity_index;
        ALTER TABLE reference_index RENAME TO v2_reference_index;
        ALTER TABLE uri_index RENAME TO v2_uri_index;
        ALTER TABLE composite_index RENAME TO v2_composite_index;

        CREATE TABLE resource (
            rid INTEGER PRIMARY KEY,
            type TEXT NOT NULL CHECK (length(type) > 0),
            id TEXT NOT NULL CHECK (length(id) > 0),
            patient INTEGER NOT NULL,
            version INTEGER NOT NULL CHECK (version >= 1),
            deleted INTEGER NOT NULL CHECK (deleted IN (0, 1))
        ) STRICT;
        INSERT INTO resource (type, id, patient, version, deleted)
            SELECT r.type, r.id, p.patient, r.version, r.deleted
            FROM v2_resource r JOIN patient_key p ON p.key = r.patient_key
            ORDER BY r.patient_key, r.type, r.id;
        CREATE UNIQUE INDEX resource_by_type_id ON resource (type, id);
        CREATE INDEX resource_by_id ON resource (id);

        CREATE TABLE resource_version (
            patient INTEGER NOT NULL,
            rid INTEGER NOT NULL,
            version INTEGER NOT NULL CHECK (version >= 1),
            type TEXT NOT NULL CHECK (length(type) > 0),
            seq INTEGER NOT NULL CHECK (seq >= 1),
            last_updated INTEGER NOT NULL,
            method TEXT NOT NULL CHECK (method IN ('POST', 'PUT', 'PATCH', 'DELETE')),
            content BLOB NOT NULL CHECK ((method = 'DELETE') = (length(content) = 0)),
            PRIMARY KEY (patient, rid, version)
        ) STRICT, WITHOUT ROWID;
        INSERT INTO resource_version
            SELECT p.patient, r.rid, v.version, v.type, v.seq, v.last_updated, v.method, v.content
            FROM v2_resource_version v JOIN resource r ON r.type = v.type AND r.id = v.id
            JOIN patient_key p ON p.key = v.patient_key
            ORDER BY 1, 2, 3;
        CREATE UNIQUE INDEX resource_version_by_resource ON resource_version (rid, version);
        CREATE UNIQUE INDEX resource_version_by_seq ON resource_version (seq);
        CREATE INDEX resource_version_by_type ON resource_version (type, seq);
        CREATE INDEX resource_version_by_time ON resource_version (last_updated, seq);

        CREATE TABLE token_index (
            patient INTEGER NOT NULL,
            rid INTEGER NOT NULL,
            param INTEGER NOT NULL,
            system TEXT NOT NULL, -- '' when the entry has no system
            code TEXT NOT NULL,
            PRIMARY KEY (patient, rid, param, system, code)
        ) STRICT, WITHOUT ROWID;
        INSERT INTO token_index
            SELECT r.patient, r.rid, sp.param, o.system, o.code FROM v2_token_index o
            JOIN resource r ON r.type = o.type AND r.id = o.id JOIN search_param sp ON sp.type = o.type AND sp.code = o.param
            ORDER BY 1, 2, 3, 4, 5;
        CREATE INDEX token_index_by_code ON token_index (param, code, system);

        CREATE TABLE string_index (
            patient INTEGER NOT NULL,
            rid INTEGER NOT NULL,
            param INTEGER NOT NULL,
            normalized TEXT NOT NULL, -- SearchText.normalize(exact)
            exact TEXT NOT NULL,
            PRIMARY KEY (patient, rid, param, normalized, exact)
        ) STRICT, WITHOUT ROWID;
        INSERT INTO string_index
            SELECT r.patient, r.rid, sp.param, o.normalized, o.exact FROM v2_string_index o
            JOIN resource r ON r.type = o.type AND r.id = o.id JOIN search_param sp ON sp.type = o.type AND sp.code = o.param
            ORDER BY 1, 2, 3, 4, 5;
        CREATE INDEX string_index_by_value ON string_index (param, normalized);

        CREATE TABLE date_index (
            patient INTEGER NOT NULL,
            rid INTEGER NOT NULL,
            param INTEGER NOT NULL,
            low INTEGER NOT NULL, -- microseconds since 1970, inclusive; Int64.min when open
            high INTEGER NOT NULL, -- inclusive; Int64.max when open
            CHECK (low <= high),
            PRIMARY KEY (patient, rid, param, low, high)
        ) STRICT, WITHOUT ROWID;
        INSERT INTO date_index
            SELECT r.patient, r.rid, sp.param, o.low, o.high FROM v2_date_index o
            JOIN resource r ON r.type = o.type AND r.id = o.id JOIN search_param sp ON sp.type = o.type AND sp.code = o.param
            ORDER BY 1, 2, 3, 4, 5;
        CREATE INDEX date_index_by_value ON date_index (param, low, high);

        CREATE TABLE number_index (
            patient INTEGER NOT NULL,
            rid INTEGER NOT NULL,
            param INTEGER NOT NULL,
            value REAL NOT NULL,
            low REAL NOT NULL,
            high REAL NOT NULL,
            PRIMARY KEY (patient, rid, param, value, low, high)
        ) STRICT, WITHOUT ROWID;
        INSERT INTO number_index
            SELECT r.patient, r.rid, sp.param, o.value, o.low, o.high FROM v2_number_index o
            JOIN resource r ON r.type = o.type AND r.id = o.id JOIN search_param sp ON sp.type = o.type AND sp.code = o.param
            ORDER BY 1, 2, 3, 4, 5, 6;
        CREATE INDEX number_index_by_value ON number_index (param, value);

        CREATE TABLE quantity_index (
            patient INTEGER NOT NULL,
            rid INTEGER NOT NULL,
            param INTEGER NOT NULL,
            system TEXT NOT NULL,
            code TEXT NOT NULL,
            unit TEXT NOT NULL,
            value REAL NOT NULL,
            low REAL NOT NULL,
            high REAL NOT NULL,
            canonical INTEGER NOT NULL CHECK (canonical IN (0, 1)),
            PRIMARY KEY (patient, rid, param, canonical, system, code, unit, value, low, high)
        ) STRICT, WITHOUT ROWID;
        INSERT INTO quantity_index
            SELECT r.patient, r.rid, sp.param, o.system, o.code, o.unit, o.value, o.low, o.high, o.canonical
            FROM v2_quantity_index o
            JOIN resource r ON r.type = o.type AND r.id = o.id JOIN search_param sp ON sp.type = o.type AND sp.code = o.param
            ORDER BY 1, 2, 3, 10, 4, 5, 6, 7, 8, 9;
        CREATE INDEX quantity_index_by_value ON quantity_index (param, code, value);

        -- A local reference has target_type and target_id and url = ''; an absolute or canonical one has its url
        -- (and target_type/target_id when the URL ends in Type/id). target_version: '' when unversioned.
        CREATE TABLE reference_index (
            patient INTEGER NOT NULL,
            rid INTEGER NOT NULL,
            param INTEGER NOT NULL,
            target_type TEXT NOT NULL,
            target_id TEXT NOT NULL,
            url TEXT NOT NULL,
            target_version TEXT NOT NULL,
            CHECK (length(url) > 0 OR length(target_id) > 0 OR length(target_type) > 0),
            PRIMARY KEY (patient, rid, param, target_type, target_id, url, target_version)
        ) STRICT, WITHOUT ROWID;
        INSERT INTO reference_index
            SELECT r.patient, r.rid, sp.param, o.target_type, o.target_id, o.url, o.target_version FROM v2_reference_index o
            JOIN resource r ON r.type = o.type AND r.id = o.id JOIN search_param sp ON sp.type = o.type AND sp.code = o.param
            ORDER BY 1, 2, 3, 4, 5, 6, 7;
        -- target_id first: `subject=123` (no type) uses it as well as `subject=Patient/123`.
        CREATE INDEX reference_index_by_target ON reference_index (param, target_id, target_type);
        CREATE INDEX reference_index_by_url ON reference_index (param, url) WHERE url <> '';

        CREATE TABLE uri_index (
            patient INTEGER NOT NULL,
            rid INTEGER NOT NULL,
            param INTEGER NOT NULL,
            uri TEXT NOT NULL,
            PRIMARY KEY (patient, rid, param, uri)
        ) STRICT, WITHOUT ROWID;
        INSERT INTO uri_index
            SELECT r.patient, r.rid, sp.param, o.uri FROM v2_uri_index o
            JOIN resource r ON r.type = o.type AND r.id = o.id JOIN search_param sp ON sp.type = o.type AND sp.code = o.param
            ORDER BY 1, 2, 3, 4;
        CREATE INDEX uri_index_by_value ON uri_index (param, uri);

        -- Generic columns by component kind: as in v2 (see v2SearchIndex).
        CREATE TABLE composite_index (
            patient INTEGER NOT NULL,
            rid INTEGER NOT NULL,
            param INTEGER NOT NULL,
            occurrence INTEGER NOT NULL CHECK (occurrence >= 0),
            component INTEGER NOT NULL CHECK (component >= 0),
            s1 TEXT NOT NULL,
            s2 TEXT NOT NULL,
            s3 TEXT NOT NULL,
            s4 TEXT NOT NULL,
            n1 ANY,
            n2 ANY,
            n3 ANY,
            PRIMARY KEY (patient, rid, param, occurrence, component)
        ) STRICT, WITHOUT ROWID;
        INSERT INTO composite_index
            SELECT r.patient, r.rid, sp.param, o.occurrence, o.component, o.s1, o.s2, o.s3, o.s4, o.n1, o.n2, o.n3
            FROM v2_composite_index o
            JOIN resource r ON r.type = o.type AND r.id = o.id JOIN search_param sp ON sp.type = o.type AND sp.code = o.param
            ORDER BY 1, 2, 3, 4, 5;
        CREATE INDEX composite_index_by_first ON composite_index (param, s2) WHERE component = 0;

        DROP TABLE v2_resource;
        DROP TABLE v2_resource_version;
        DROP TABLE v2_token_index;
        DROP TABLE v2_string_index;
        DROP TABLE v2_date_index;
        DROP TABLE v2_number_index;
        DROP TABLE v2_quantity_index;
        DROP TABLE v2_reference_index;
        DROP TABLE v2_uri_index;
        DROP TABLE v2_composite_index;
        """
}
