import Access
import SQLiteAudit
import ArgumentParser
import Auth
import DossierHTTP
import FHIRServer
import Foundation
import Hummingbird
import Logging

/// `dossier serve`: runs the FHIR server on the embedded SQLite database until SIGINT or SIGTERM.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the FHIR R4 REST API from the embedded SQLite database.",
        discussion: """
            With no flags: listens on 127.0.0.1:8080, serves FHIR at http://127.0.0.1:8080/fhir and keeps its data \
            in ./dossier-data (created if missing). Stops gracefully on SIGINT (Ctrl-C) or SIGTERM: requests in \
            flight finish, then the database is closed.
            """
    )

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The TCP port to listen on.")
    var port = 8080

    @Option(help: "The folder holding the database (\(DataDirectory.databaseFileName) inside it); created if missing.")
    var dataDir = DataDirectory.defaultPath

    @Option(help: ArgumentHelp(
        "The absolute FHIR base URL clients use, as written into Location headers and Bundle links.",
        discussion: "Defaults to http://HOST:PORT/fhir. Set it when clients reach the server under another name.",
        valueName: "url"))
    var baseURL: String?

    @Option(help: "The largest accepted request body, in bytes (larger requests get 413).")
    var maxBodyBytes = ServerConfiguration().maxBodyBytes

    @Option(help: "The largest document accepted as a raw Binary upload, in bytes (streamed to DATA/content, not held in memory; larger uploads get 413).")
    var maxDocumentBytes = ServerConfiguration().maxDocumentBytes

    @Option(help: "The largest document returned inline as base64 in a FHIR JSON Binary, in bytes (larger ones are served as raw bytes only).")
    var maxInlineDocumentBytes = ServerConfiguration().maxInlineDocumentBytes

    @Flag(inversion: .prefixedNo, help: ArgumentHelp(
        "Serve the SMART on FHIR sign-in endpoints (/authorize, /token, ...) and apply the shared-record access rules to every request.",
        discussion: "With --no-auth, no token is needed and nothing is restricted: for development only."))
    var auth = true

    @Flag(inversion: .prefixedNo, help: ArgumentHelp(
        "Record every interaction in the audit trail (audit.sqlite) before answering.",
        discussion: "--no-audit is accepted only with --no-auth: for development and for measuring what the rules and the audit cost."))
    var audit = true

    @Option(help: ArgumentHelp("A JSON file with the authorisation matrix to use instead of the shipped one (GET /fhir/$access-matrix shows the one in force).", valueName: "file"))
    var accessMatrix: String?

    @Option(help: "How long an emergency access ($break-glass) lasts, e.g. 4h.")
    var emergencyAccessLifetime = Lifetime(seconds: 4 * 3600)

    @Option(help: "How long an access token lives.")
    var accessTokenLifetime = Lifetime(seconds: 3600)

    @Option(help: "How long a sign-in session (its refresh tokens) lasts: a shift.")
    var sessionLifetime = Lifetime(seconds: 12 * 3600)

    @Option(name: .customLong("oidc-issuers"), help: ArgumentHelp(
        "A JSON file listing external OpenID Connect issuers whose tokens are accepted.", valueName: "file"))
    var oidcIssuers: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535.") }
        guard audit || !auth else { throw ValidationError("--no-audit needs --no-auth: a server that applies the access rules records every access.") }
        guard maxBodyBytes > 0 else { throw ValidationError("--max-body-bytes must be positive.") }
        guard maxDocumentBytes > 0, maxInlineDocumentBytes >= 0 else { throw ValidationError("--max-document-bytes must be positive and --max-inline-document-bytes not negative.") }
        if let baseURL, URL(string: baseURL)?.scheme == nil {
            throw ValidationError("--base-url must be an absolute URL such as http://example.org/fhir.")
        }
    }

    /// The base URL to announce: the flag, or one built from the listening address.
    var effectiveBaseURL: String {
        if let baseURL { return baseURL }
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return "http://\(hostPart):\(port)/fhir"
    }

    func run() async throws {
        bootstrapLogging(level: logLevel)
        let logger = Logger(label: "dossier")
        let dataDirectory = DataDirectory(dataDir)
        let store = try dataDirectory.openStore()
        var configuration = ServerConfiguration(baseURL: effectiveBaseURL, maxBodyBytes: maxBodyBytes)
        configuration.accessRules = auth
        configuration.contentDirectory = dataDirectory.path + "/content"
        configuration.maxDocumentBytes = maxDocumentBytes
        configuration.maxInlineDocumentBytes = maxInlineDocumentBytes
        configuration.emergencyAccessDuration = TimeInterval(emergencyAccessLifetime.seconds)
        if let accessMatrix { configuration.matrix = try AuthorisationMatrix(contentsOfFile: accessMatrix) }
        let http = HTTPServerConfiguration(host: host, port: port)
        let authServer = auth ? try await openAuth(dataDirectory, http: http, baseURL: configuration.baseURL) : nil
        if let authConfiguration = authServer?.configuration {
            configuration.smartEndpoints = SMARTEndpoints(
                authorize: authConfiguration.authorizationEndpoint, token: authConfiguration.tokenEndpoint,
                introspect: authConfiguration.introspectionEndpoint, revoke: authConfiguration.revocationEndpoint)
        }
        let auditLog = audit ? try SQLiteAuditLog(path: dataDirectory.path + "/" + SQLiteAuditLog.defaultFileName) : nil
        let service = FHIRService(store: store, configuration: configuration, auditLog: auditLog, logger: Logger(label: "dossier.fhir"))
        let app = buildApplication(service: service, http: http, auth: authServer, logger: Logger(label: "dossier.http"))
        let hostPart = host.contains(":") ? "[\(host)]" : host
        // Rule 1's two-week nudge, every ten minutes (the first shortly after start).
        let nudges = Task.detached {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(30))
                do { try await service.sendAnnouncementNudges() } catch { logger.warning("announcement nudges failed: \(error)") }
                try? await Task.sleep(for: .seconds(570))
            }
        }
        defer { nudges.cancel() }
        Terminal.writeOutput("Dossier listening on http://\(hostPart):\(port) (FHIR base \(configuration.baseURL)), data in \(dataDirectory.databasePath)\n")
        do {
            try await app.runService()
        } catch {
            try? await auditLog?.close()
            try? await store.close()
            throw error
        }
        try await auditLog?.close()
        try await store.close()
        logger.info("stopped")
    }

    /// Opens the sign-in state in the data folder (creating the signing key on first start) and records the issuer
    /// and audience for `dossier token`.
    func openAuth(_ dataDirectory: DataDirectory, http: HTTPServerConfiguration, baseURL: String) async throws -> AuthorizationServer {
        let issuers = try oidcIssuers.map { try ExternalIssuer.load(contentsOf: $0) } ?? []
        let configuration = AuthConfiguration(fhirBaseURL: baseURL, fhirPath: http.fhirPath, accessTokenLifetime: accessTokenLifetime,
                                              sessionLifetime: sessionLifetime, externalIssuers: issuers)
        let server = try await dataDirectory.openAuthServer(configuration: configuration)
        try await server.publishSettings()
        return server
    }
}
