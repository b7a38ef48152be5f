import Foundation
import GRDB

/// The embedded ``AuthStore``: `auth.sqlite` in the data folder, apart from the FHIR database, in WAL mode with
/// `synchronous=FULL` (a revoked token stays revoked after a crash). `serve` and the `dossier user`/`client`/`token`
/// commands open the same file from separate processes; SQLite's locking serialises their writes.
public final class SQLiteAuthStore: AuthStore {
    private let pool: DatabasePool

    /// Opens (creating and migrating if needed) the database at `path`. The file holds password hashes and TOTP
    /// secrets: it is created readable by its owner only (0600), and SQLite gives its `-wal` and `-shm` files the
    /// same mode.
    public init(path: String) throws {
        let manager = FileManager.default
        if !manager.fileExists(atPath: path) {
            _ = manager.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        for file in [path, path + "-wal", path + "-shm"] {
            if let mode = try? manager.attributesOfItem(atPath: file)[.posixPermissions] as? NSNumber, mode.intValue & 0o077 != 0 {
                try manager.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
            }
        }
        var configuration = GRDB.Configuration()
        configuration.busyMode = .timeout(5)
        configuration.label = "Dossier.SQLiteAuthStore"
        pool = try DatabasePool(path: path, configuration: configuration)
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        try Self.migrator.migrate(pool)
    }

    /// Named, append-only schema migrations; invariants are written into the schema.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: accounts, clients, codes, refresh tokens, assertion ids, revocations, log") { db in
            try db.execute(sql: """
                CREATE TABLE account (
                    username TEXT PRIMARY KEY NOT NULL,
                    password_hash TEXT NOT NULL,
                    totp_secret BLOB,
                    fhir_user TEXT NOT NULL,
                    role TEXT,
                    patient TEXT,
                    created_at REAL NOT NULL,
                    last_totp_step INTEGER,
                    CHECK (fhir_user NOT LIKE 'Practitioner/%' OR totp_secret IS NOT NULL)
                ) STRICT;
                CREATE TABLE client (
                    client_id TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('public', 'confidential-asymmetric')),
                    redirect_uris TEXT NOT NULL,
                    jwks TEXT,
                    created_at REAL NOT NULL,
                    CHECK (kind = 'public' OR jwks IS NOT NULL)
                ) STRICT;
                CREATE TABLE authorization_code (
                    code_digest TEXT PRIMARY KEY NOT NULL,
                    client_id TEXT NOT NULL,
                    redirect_uri TEXT NOT NULL,
                    code_challenge TEXT NOT NULL,
                    nonce TEXT,
                    subject TEXT NOT NULL,
                    fhir_user TEXT,
                    role TEXT,
                    patient TEXT,
                    scope TEXT NOT NULL,
                    admin INTEGER NOT NULL,
                    auth_time REAL,
                    expires_at REAL NOT NULL,
                    used_at REAL,
                    issued_family TEXT,
                    issued_jti TEXT,
                    issued_expires_at REAL
                ) STRICT;
                CREATE TABLE refresh_token (
                    token_digest TEXT PRIMARY KEY NOT NULL,
                    family_id TEXT NOT NULL,
                    client_id TEXT,
                    subject TEXT NOT NULL,
                    fhir_user TEXT,
                    role TEXT,
                    patient TEXT,
                    scope TEXT NOT NULL,
                    admin INTEGER NOT NULL,
                    auth_time REAL,
                    issued_at REAL NOT NULL,
                    expires_at REAL NOT NULL,
                    used_at REAL,
                    revoked_at REAL
                ) STRICT;
                CREATE INDEX refresh_token_family ON refresh_token(family_id);
                CREATE TABLE client_assertion_id (
                    client_id TEXT NOT NULL,
                    jti TEXT NOT NULL,
                    expires_at REAL NOT NULL,
                    PRIMARY KEY (client_id, jti)
                ) STRICT, WITHOUT ROWID;
                CREATE TABLE revoked_access_token (
                    jti TEXT PRIMARY KEY NOT NULL,
                    expires_at REAL NOT NULL
                ) STRICT, WITHOUT ROWID;
                CREATE TABLE issued_token (
                    jti TEXT PRIMARY KEY NOT NULL,
                    via TEXT NOT NULL,
                    operator TEXT,
                    subject TEXT NOT NULL,
                    fhir_user TEXT,
                    role TEXT,
                    patient TEXT,
                    scope TEXT NOT NULL,
                    admin INTEGER NOT NULL,
                    client_id TEXT,
                    issued_at REAL NOT NULL,
                    expires_at REAL NOT NULL
                ) STRICT;
                CREATE TABLE setting (
                    key TEXT PRIMARY KEY NOT NULL,
                    value TEXT NOT NULL
                ) STRICT, WITHOUT ROWID;
                """)
        }
        return migrator
    }

    // MARK: accounts

    public func insertAccount(_ account: UserAccount) async throws {
        try await insert(kind: "account", key: account.username) { db in
            try db.execute(sql: """
                INSERT INTO account (username, password_hash, totp_secret, fhir_user, role, patient, created_at, last_totp_step)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [
                    account.username, account.passwordHash, account.totpSecret.map { Data($0) },
                    account.binding.fhirUser.description, account.binding.role?.description, Self.storedPatient(account.binding),
                    account.createdAt.timeIntervalSince1970, account.lastTOTPStep.map { Int64(bitPattern: $0) },
                ])
        }
    }

    public func account(username: String) async throws -> UserAccount? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM account WHERE username = ?", arguments: [username]).map(Self.account)
        }
    }

    public func accounts() async throws -> [UserAccount] {
        try await pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM account ORDER BY username").map(Self.account) }
    }

    public func recordTOTPStep(username: String, step: UInt64) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: """
                UPDATE account SET last_totp_step = ? WHERE username = ? AND (last_totp_step IS NULL OR last_totp_step < ?)
                """, arguments: [Int64(bitPattern: step), username, Int64(bitPattern: step)])
            return db.changesCount == 1
        }
    }

    // MARK: clients

    public func insertClient(_ client: OAuthClient) async throws {
        let uris = String(decoding: try JSONEncoder().encode(client.redirectURIs), as: UTF8.self)
        try await insert(kind: "client", key: client.clientID) { db in
            try db.execute(sql: """
                INSERT INTO client (client_id, name, kind, redirect_uris, jwks, created_at) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [client.clientID, client.name, client.kind.rawValue, uris, client.jwksJSON, client.createdAt.timeIntervalSince1970])
        }
    }

    public func client(id clientID: String) async throws -> OAuthClient? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM client WHERE client_id = ?", arguments: [clientID]).map(Self.client)
        }
    }

    public func clients() async throws -> [OAuthClient] {
        try await pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM client ORDER BY client_id").map(Self.client) }
    }

    // MARK: authorization codes

    public func insertAuthorizationCode(_ record: AuthorizationCodeRecord) async throws {
        let grant = record.grant
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM authorization_code WHERE expires_at < ?", arguments: [Date().timeIntervalSince1970 - 3600])
            try db.execute(sql: """
                INSERT INTO authorization_code (code_digest, client_id, redirect_uri, code_challenge, nonce, subject, fhir_user, role,
                                                patient, scope, admin, auth_time, expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [
                    record.codeDigest, grant.clientID ?? "", record.redirectURI, record.codeChallenge, record.nonce, grant.subject,
                    grant.fhirUser?.description, grant.role?.description, grant.patient?.description, grant.scopes.description,
                    grant.isAdmin, grant.authTime?.timeIntervalSince1970, record.expiresAt.timeIntervalSince1970,
                ])
        }
    }

    public func redeemAuthorizationCode(digest: String, now: Date) async throws -> CodeRedemption {
        try await pool.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM authorization_code WHERE code_digest = ?", arguments: [digest])
            else { return .unknown }
            let usedAt: Double? = row["used_at"]
            if usedAt != nil {
                if let family: String = row["issued_family"] {
                    try db.execute(sql: "UPDATE refresh_token SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL",
                                   arguments: [now.timeIntervalSince1970, family])
                }
                let accessExpiry: Double? = row["issued_expires_at"]
                return .replayed(accessTokenID: row["issued_jti"], accessExpiresAt: accessExpiry.map(Date.init(timeIntervalSince1970:)))
            }
            try db.execute(sql: "UPDATE authorization_code SET used_at = ? WHERE code_digest = ?", arguments: [now.timeIntervalSince1970, digest])
            return .fresh(AuthorizationCodeRecord(
                codeDigest: row["code_digest"], grant: try Self.grant(row), redirectURI: row["redirect_uri"],
                codeChallenge: row["code_challenge"], nonce: row["nonce"],
                expiresAt: Date(timeIntervalSince1970: row["expires_at"])))
        }
    }

    public func recordCodeIssuance(digest: String, familyID: String, accessTokenID: String, accessExpiresAt: Date) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                UPDATE authorization_code SET issued_family = ?, issued_jti = ?, issued_expires_at = ? WHERE code_digest = ?
                """, arguments: [familyID, accessTokenID, accessExpiresAt.timeIntervalSince1970, digest])
        }
    }

    // MARK: refresh tokens

    public func insertRefreshToken(_ record: RefreshTokenRecord) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM refresh_token WHERE expires_at < ?", arguments: [Date().timeIntervalSince1970 - 86_400])
            try Self.insertRefresh(record, db)
        }
    }

    public func rotateRefreshToken(digest: String, successorDigest: String, now: Date) async throws -> RefreshTokenRecord? {
        try await pool.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM refresh_token WHERE token_digest = ?", arguments: [digest]) else { return nil }
            let record = try Self.refresh(row)
            let usedAt: Double? = row["used_at"]
            let revokedAt: Double? = row["revoked_at"]
            if usedAt != nil {
                try db.execute(sql: "UPDATE refresh_token SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL",
                               arguments: [now.timeIntervalSince1970, record.familyID])
                return nil
            }
            guard revokedAt == nil, record.expiresAt > now else { return nil }
            try db.execute(sql: "UPDATE refresh_token SET used_at = ? WHERE token_digest = ?", arguments: [now.timeIntervalSince1970, digest])
            var successor = record
            successor.tokenDigest = successorDigest
            successor.issuedAt = now
            try Self.insertRefresh(successor, db)
            return record
        }
    }

    public func activeRefreshToken(digest: String, now: Date) async throws -> RefreshTokenRecord? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: """
                SELECT * FROM refresh_token WHERE token_digest = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?
                """, arguments: [digest, now.timeIntervalSince1970]).map(Self.refresh)
        }
    }

    public func revokeRefreshTokenFamily(digest: String) async throws -> Bool {
        try await pool.write { db in
            guard let family = try String.fetchOne(db, sql: "SELECT family_id FROM refresh_token WHERE token_digest = ?", arguments: [digest])
            else { return false }
            try db.execute(sql: "UPDATE refresh_token SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL",
                           arguments: [Date().timeIntervalSince1970, family])
            return true
        }
    }

    // MARK: assertion ids, revocation, log, settings

    public func recordAssertionID(_ jti: String, clientID: String, expiresAt: Date, now: Date) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM client_assertion_id WHERE expires_at < ?", arguments: [now.timeIntervalSince1970])
            try db.execute(sql: "INSERT OR IGNORE INTO client_assertion_id (client_id, jti, expires_at) VALUES (?, ?, ?)",
                           arguments: [clientID, jti, expiresAt.timeIntervalSince1970])
            return db.changesCount == 1
        }
    }

    public func revokeAccessToken(id jti: String, expiresAt: Date) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM revoked_access_token WHERE expires_at < ?", arguments: [Date().timeIntervalSince1970 - 3600])
            try db.execute(sql: "INSERT OR IGNORE INTO revoked_access_token (jti, expires_at) VALUES (?, ?)",
                           arguments: [jti, expiresAt.timeIntervalSince1970])
        }
    }

    public func isAccessTokenRevoked(id jti: String) async throws -> Bool {
        try await pool.read { db in try Bool.fetchOne(db, sql: "SELECT 1 FROM revoked_access_token WHERE jti = ?", arguments: [jti]) ?? false }
    }

    public func recordIssuedToken(_ record: IssuedTokenRecord) async throws {
        let grant = record.grant
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO issued_token (jti, via, operator, subject, fhir_user, role, patient, scope, admin, client_id, issued_at, expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [
                    record.tokenID, record.via, record.operatorName, grant.subject, grant.fhirUser?.description, grant.role?.description,
                    grant.patient?.description, grant.scopes.description, grant.isAdmin, grant.clientID,
                    record.issuedAt.timeIntervalSince1970, record.expiresAt.timeIntervalSince1970,
                ])
        }
    }

    public func setting(_ key: String) async throws -> String? {
        try await pool.read { db in try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = ?", arguments: [key]) }
    }

    public func setSetting(_ key: String, value: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                           arguments: [key, value])
        }
    }

    // MARK: rows

    private func insert(kind: String, key: String, _ body: @escaping @Sendable (Database) throws -> Void) async throws {
        do {
            try await pool.write { db in try body(db) }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
            throw AuthStoreError(.duplicate, "A \(kind) named \(key) already exists.")
        }
    }

    private static func insertRefresh(_ record: RefreshTokenRecord, _ db: Database) throws {
        let grant = record.grant
        try db.execute(sql: """
            INSERT INTO refresh_token (token_digest, family_id, client_id, subject, fhir_user, role, patient, scope, admin, auth_time,
                                       issued_at, expires_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [
                record.tokenDigest, record.familyID, grant.clientID, grant.subject, grant.fhirUser?.description, grant.role?.description,
                grant.patient?.description, grant.scopes.description, grant.isAdmin, grant.authTime?.timeIntervalSince1970,
                record.issuedAt.timeIntervalSince1970, record.expiresAt.timeIntervalSince1970,
            ])
    }

    private static func storedPatient(_ binding: AccountBinding) -> String? {
        if case .relatedPerson(_, let patient) = binding { patient?.description } else { nil }
    }

    private static func reference(_ row: Row, _ column: String) throws -> ActorReference? {
        guard let text: String = row[column] else { return nil }
        guard let reference = ActorReference(text) else { throw AuthStoreError(.corrupt, "Stored \(column) \(text) is not a reference.") }
        return reference
    }

    private static func account(_ row: Row) throws -> UserAccount {
        guard let fhirUser = try reference(row, "fhir_user"),
              let binding = AccountBinding(fhirUser: fhirUser, role: try reference(row, "role"), patient: try reference(row, "patient"))
        else { throw AuthStoreError(.corrupt, "Account \(row["username"] as String? ?? "?") has an invalid binding.") }
        let secret: Data? = row["totp_secret"]
        let step: Int64? = row["last_totp_step"]
        return UserAccount(username: row["username"], passwordHash: row["password_hash"], totpSecret: secret.map(Array.init),
                           binding: binding, createdAt: Date(timeIntervalSince1970: row["created_at"]),
                           lastTOTPStep: step.map { UInt64(bitPattern: $0) })
    }

    private static func client(_ row: Row) throws -> OAuthClient {
        let kindText: String = row["kind"]
        let urisText: String = row["redirect_uris"]
        guard let kind = OAuthClient.Kind(rawValue: kindText),
              let uris = try? JSONDecoder().decode([String].self, from: Data(urisText.utf8))
        else { throw AuthStoreError(.corrupt, "Client \(row["client_id"] as String? ?? "?") cannot be read.") }
        return OAuthClient(clientID: row["client_id"], name: row["name"], kind: kind, redirectURIs: uris, jwksJSON: row["jwks"],
                           createdAt: Date(timeIntervalSince1970: row["created_at"]))
    }

    private static func grant(_ row: Row) throws -> TokenGrant {
        let clientID: String? = row["client_id"]
        let authTime: Double? = row["auth_time"]
        return TokenGrant(
            subject: row["subject"], fhirUser: try reference(row, "fhir_user"), role: try reference(row, "role"),
            patient: try reference(row, "patient"), scopes: ScopeSet(parsing: row["scope"]), isAdmin: row["admin"],
            clientID: clientID?.isEmpty == true ? nil : clientID, authTime: authTime.map(Date.init(timeIntervalSince1970:)))
    }

    private static func refresh(_ row: Row) throws -> RefreshTokenRecord {
        RefreshTokenRecord(tokenDigest: row["token_digest"], familyID: row["family_id"], grant: try grant(row),
                           issuedAt: Date(timeIntervalSince1970: row["issued_at"]), expiresAt: Date(timeIntervalSince1970: row["expires_at"]))
    }
}
