import Foundation
import JWTKit

/// The claims of an access token this server signs (JWT, `typ` `at+jwt`, RFC 9068 with SMART's additions).
struct AccessTokenClaims: JWTPayload {
    var iss: IssuerClaim
    var sub: SubjectClaim
    var aud: AudienceClaim
    var exp: ExpirationClaim
    var iat: IssuedAtClaim
    var jti: IDClaim
    /// Space-separated granted scopes.
    var scope: String
    /// The user's FHIR resource, as an absolute URL on this server.
    var fhirUser: String?
    /// The patient in context (its logical id, as in SMART's token response).
    var patient: String?
    /// The PractitionerRole reference (`PractitionerRole/ID`).
    var role: String?
    /// Full system access (operator tokens).
    var admin: Bool?
    /// The client the token was issued to.
    var client_id: String?
    /// When the user authenticated.
    var auth_time: Int?

    /// Claim checks (issuer, audience, expiry) need the configuration and a clock: ``TokenVerifier`` does them.
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
