import FHIRServer
import Hummingbird
import Logging

/// Builds the Hummingbird application serving `service`: FHIR under `http.fhirPath`, and `GET /health`.
public func buildApplication(service: FHIRService, http: HTTPServerConfiguration, logger: Logger = Logger(label: "dossier.http")) -> some ApplicationProtocol {
    Application(
        router: buildRouter(service: service, http: http),
        configuration: .init(address: .hostname(http.host, port: http.port), serverName: "Dossier"),
        logger: logger
    )
}

/// The router alone (what HummingbirdTesting drives).
public func buildRouter(service: FHIRService, http: HTTPServerConfiguration) -> Router<BasicRequestContext> {
    let router = Router()
    HealthController(store: service.store).register(on: router)
    FHIRController(service: service, basePath: http.fhirPath).register(on: router)
    return router
}
