import Auth
import Hummingbird

/// SMART discovery: `/.well-known/smart-configuration` (at the root and under the FHIR base, where SMART clients
/// look) and the public signing keys at `/.well-known/jwks.json`.
struct DiscoveryController: Sendable {
    let server: AuthorizationServer
    let fhirPath: String

    func register(on router: Router<DossierRequestContext>) {
        let configuration = server.smartConfiguration
        let jwks = server.signingKey.jwks
        router.get("/.well-known/smart-configuration") { _, _ in AuthResponses.json(configuration) }
        router.get(RouterPath(fhirPath + "/.well-known/smart-configuration")) { _, _ in AuthResponses.json(configuration) }
        router.get("/.well-known/jwks.json") { _, _ in AuthResponses.json(jwks) }
    }
}
