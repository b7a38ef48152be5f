import Auth
import FHIRServer
import Hummingbird
import Logging

/// Builds the Hummingbird application serving `service`: FHIR under `http.fhirPath`, `GET /health`, and, when an
/// authorisation server is given, the SMART endpoints and the bearer-token middleware in front of FHIR.
public func buildApplication(service: FHIRService, http: HTTPServerConfiguration, auth: AuthorizationServer? = nil,
                             logger: Logger = Logger(label: "dossier.http")) -> some ApplicationProtocol {
    Application(
        router: buildRouter(service: service, http: http, auth: auth),
        configuration: .init(address: .hostname(http.host, port: http.port), serverName: "Dossier"),
        logger: logger
    )
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
