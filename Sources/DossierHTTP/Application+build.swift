import Auth
import FHIRServer
import Hummingbird
import HummingbirdWebSocket
import Logging
import Subscriptions

/// Builds the Hummingbird application serving `service`: FHIR under `http.fhirPath`, `GET /health`, and, when an
/// authorisation server is given, the SMART endpoints and the bearer-token middleware in front of FHIR. With a
/// subscription dispatcher, the Subscriptions websocket at `[fhir path]/$websocket` (``SubscriptionWebSocket``).
public func buildApplication(service: FHIRService, http: HTTPServerConfiguration, auth: AuthorizationServer? = nil,
                             subscriptions: SubscriptionDispatcher? = nil,
                             logger: Logger = Logger(label: "dossier.http")) -> some ApplicationProtocol {
    let router = buildRouter(service: service, http: http, auth: auth)
    let configuration = ApplicationConfiguration(address: .hostname(http.host, port: http.port), serverName: "Dossier")
    guard let subscriptions else { return Application(router: router, configuration: configuration, logger: logger) }
    let socket = SubscriptionWebSocket(service: service, dispatcher: subscriptions, verifier: auth?.verifier, path: http.fhirPath + "/$websocket")
    return Application(router: router, server: .http1WebSocketUpgrade { request, _, _ in await socket.shouldUpgrade(request) },
                       configuration: configuration, logger: logger)
}

/// The router alone (what HummingbirdTesting drives). With `auth`: `/authorize`, `/token`, `/introspect`,
/// `/revoke`, `/.well-known/smart-configuration`, `/.well-known/jwks.json`, and ``BearerAuthMiddleware`` on the
/// FHIR routes (identity in the context; not yet enforced).
public func buildRouter(service: FHIRService, http: HTTPServerConfiguration, auth: AuthorizationServer? = nil) -> Router<DossierRequestContext> {
    let router = Router(context: DossierRequestContext.self)
    HealthController(store: service.store).register(on: router)
    if let auth {
        DiscoveryController(server: auth, fhirPath: http.fhirPath).register(on: router)
        AuthorizeController(server: auth).register(on: router)
        TokenController(server: auth).register(on: router)
        // Middleware applies to the routes added after it: the FHIR API, not the OAuth endpoints.
        router.add(middleware: BearerAuthMiddleware(verifier: auth.verifier))
    }
    FHIRController(service: service, basePath: http.fhirPath).register(on: router)
    return router
}
