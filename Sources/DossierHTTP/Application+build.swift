import FHIRServer
import Hummingbird
import Logging

/// Builds the Hummingbird application serving `service` (FHIR under `http.fhirPath`, `/health`).
public func buildApplication(service: FHIRService, http: HTTPServerConfiguration, logger: Logger = Logger(label: "dossier.http")) -> some ApplicationProtocol {
    let router = buildRouter(service: service, http: http)
    return Application(
        router: router,
        configuration: .init(address: .hostname(http.host, port: http.port), serverName: "Dossier"),
        logger: logger
    )
}

/// The router alone (for HummingbirdTesting).
public func buildRouter(service: FHIRService, http: HTTPServerConfiguration) -> Router<BasicRequestContext> {
    let router = Router()
    router.get("/health") { _, _ in "ok" }
    return router
}
