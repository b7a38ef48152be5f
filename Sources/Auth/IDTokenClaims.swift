import Foundation
import JWTKit

/// The claims of an OpenID Connect `id_token` (returned when `openid` is granted), with SMART's `fhirUser`.
struct IDTokenClaims: JWTPayload {
    var iss: IssuerClaim
    var sub: SubjectClaim
    var aud: AudienceClaim
    var exp: ExpirationClaim
    var iat: IssuedAtClaim
    var auth_time: Int?
    var nonce: String?
    var fhirUser: String?
    var azp: String?

    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
    }
}
