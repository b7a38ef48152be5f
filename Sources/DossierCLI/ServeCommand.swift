import Access
import SQLiteAudit
import ArgumentParser
import Auth
import DossierHTTP
import FHIRServer
import Foundation
import Hummingbird
import Logging
import Subscriptions

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

    @Option(help: "How often the two-week consult reminders (rule 1) are looked for and sent, e.g. 10m.")
    var reminderInterval = Lifetime(seconds: 600)

    @Option(help: "How long an access token lives.")
    var accessTokenLifetime = Lifetime(seconds: 3600)

    @Option(help: "How long a sign-in session (its refresh tokens) lasts: a shift.")
    var sessionLifetime = Lifetime(seconds: 12 * 3600)

    @Option(name: .customLong("oidc-issuers"), help: ArgumentHelp(
        "A JSON file listing external OpenID Connect issuers whose tokens are accepted.", valueName: "file"))
    var oidcIssuers: String?

    @Option(help: ArgumentHelp(
        "The waits between attempts of a failed rest-hook notification, e.g. 10s,30s,2m,10m,30m,1h,2h,4h (the last repeats).",
        discussion: "Units ms, s, m, h, d. Each wait varies by ±20% (jitter).", valueName: "durations"))
    var subscriptionRetryDelays = "10s,30s,2m,10m,30m,1h,2h,4h"

    @Option(help: ArgumentHelp("How long a rest-hook notification is retried before its subscription goes to error, e.g. 24h.", valueName: "duration"))
    var subscriptionRetryBudget = "24h"

    @Option(help: ArgumentHelp("How often the subscription dispatcher looks for changes and due notifications, e.g. 250ms.", valueName: "duration"))
    var subscriptionPollInterval = "250ms"

    @Option(help: ArgumentHelp(
        "Internal receivers rest-hook Subscriptions may post to, comma-separated: host names, host:port, or address ranges such as 127.0.0.1/32 or 10.0.0.0/8.",
        discussion: "Without it, endpoints whose host is, or resolves to, a loopback, private, link-local, CGNAT, multicast or otherwise non-public address are refused when the Subscription is written and before every delivery.",
        valueName: "list"))
    var subscriptionAllowHosts = ""

    @Option(help: "Log level: trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535.") }
        guard audit || !auth else { throw ValidationError("--no-audit needs --no-auth: a server that applies the access rules records every access.") }
        guard maxBodyBytes > 0 else { throw ValidationError("--max-body-bytes must be positive.") }
        guard RetrySchedule.durations(subscriptionRetryDelays) != nil else { throw ValidationError("--subscription-retry-delays must list durations such as 10s,30s,2m.") }
        guard RetrySchedule.duration(subscriptionRetryBudget) != nil else { throw ValidationError("--subscription-retry-budget must be a duration such as 24h.") }
        guard let poll = RetrySchedule.duration(subscriptionPollInterval), poll > 0 else { throw ValidationError("--subscription-poll-interval must be a positive duration such as 250ms.") }
        guard EndpointPolicy.allowList(subscriptionAllowHosts) != nil else {
            throw ValidationError("--subscription-allow-hosts must list host names, host:port or CIDR ranges such as 10.0.0.0/8, separated by commas.")
        }
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
        configuration.subscriptionEndpoints = EndpointPolicy(allowList: EndpointPolicy.allowList(subscriptionAllowHosts) ?? [])
        if let accessMatrix { configuration.matrix = try AuthorisationMatrix(contentsOfFile: accessMatrix) }
        let http = HTTPServerConfiguration(host: host, port: port)
        let authServer = auth ? try await openAuth(dataDirectory, http: http, baseURL: configuration.baseURL) : nil
        if let authConfiguration = authServer?.configuration {
            configuration.smartEndpoints = SMARTEndpoints(
                authorize: authConfiguration.authorizationEndpoint, token: authConfiguration.tokenEndpoint,
                introspect: authConfiguration.introspectionEndpoint, revoke: authConfiguration.revocationEndpoint)
        }
        let auditLog = audit ? try SQLiteAuditLog(path: dataDirectory.path + "/" + SQLiteAuditLog.defaultFileName) : nil
        let subscriptionLog = try DeliveryLog(path: dataDirectory.path + "/" + DeliveryLog.defaultFileName)
        let service = FHIRService(store: store, configuration: configuration, auditLog: auditLog, subscriptionLog: subscriptionLog,
                                  logger: Logger(label: "dossier.fhir"))
        var dispatcherConfiguration = dispatcherConfiguration
        dispatcherConfiguration.endpointPolicy = configuration.subscriptionEndpoints
        let dispatcher = SubscriptionDispatcher(store: store, log: subscriptionLog, host: service, configuration: dispatcherConfiguration)
        let dispatching = Task.detached { await dispatcher.run() }
        let app = buildApplication(service: service, http: http, auth: authServer, subscriptions: dispatcher, logger: Logger(label: "dossier.http"))
        let hostPart = host.contains(":") ? "[\(host)]" : host
        // Rule 1's two-week consult reminder, every --reminder-interval (the first shortly after start).
        let interval = max(reminderInterval.seconds, 1)
        let nudges = Task.detached {
            try? await Task.sleep(for: .seconds(min(30, interval)))
            while !Task.isCancelled {
                do { try await service.sendAnnouncementNudges() } catch { logger.warning("consult reminders failed: \(error)") }
                try? await Task.sleep(for: .seconds(interval))
            }
        }
        defer { nudges.cancel() }
        Terminal.writeOutput("Dossier listening on http://\(hostPart):\(port) (FHIR base \(configuration.baseURL)), data in \(dataDirectory.databasePath)\n")
        do {
            try await app.runService()
        } catch {
            dispatching.cancel()
            await dispatching.value
            try? subscriptionLog.close()
            try? await auditLog?.close()
            try? await store.close()
            throw error
        }
        dispatching.cancel()
        await dispatching.value
        try subscriptionLog.close()
        try await auditLog?.close()
        try await store.close()
        logger.info("stopped")
    }

    /// The dispatcher's settings from the flags (checked in ``validate()``).
    var dispatcherConfiguration: SubscriptionDispatcher.Configuration {
        var configuration = SubscriptionDispatcher.Configuration()
        configuration.retry = RetrySchedule(delays: RetrySchedule.durations(subscriptionRetryDelays) ?? RetrySchedule.standard.delays,
                                            budget: RetrySchedule.duration(subscriptionRetryBudget) ?? RetrySchedule.standard.budget)
        configuration.pollInterval = .milliseconds(Int64((RetrySchedule.duration(subscriptionPollInterval) ?? 0.25) * 1_000))
        return configuration
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
