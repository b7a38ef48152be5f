import Foundation
import JWTKit

/// Signs this server's tokens: access tokens (JWT `at+jwt`) and OpenID Connect `id_token`s.
public struct TokenIssuer: Sendable {
    let configuration: AuthConfiguration
    let keys: JWTKeyCollection
    let kid: String

    /// An issuer signing with `signingKey` under `configuration`.
    public init(configuration: AuthConfiguration, signingKey: SigningKey) async {
        self.configuration = configuration
        keys = await signingKey.keyCollection()
        kid = signingKey.kid
    }

    /// Signs an access token for `grant`, valid `lifetime` (the configured default when `nil`) from `now`.
    public func accessToken(for grant: TokenGrant, lifetime: Lifetime? = nil, now: Date) async throws -> IssuedAccessToken {
        let seconds = (lifetime ?? configuration.accessTokenLifetime).seconds
        let issuedAt = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let expiresAt = issuedAt.addingTimeInterval(TimeInterval(seconds))
        let tokenID = UUID().uuidString.lowercased()
        let claims = AccessTokenClaims(
            iss: IssuerClaim(value: configuration.issuer), sub: SubjectClaim(value: grant.subject),
            aud: AudienceClaim(value: [configuration.audience]), exp: ExpirationClaim(value: expiresAt),
            iat: IssuedAtClaim(value: issuedAt), jti: IDClaim(value: tokenID), scope: grant.scopes.description,
            fhirUser: grant.fhirUser.map(configuration.absoluteURL), patient: grant.patient?.id, role: grant.role?.description,
            admin: grant.isAdmin ? true : nil, client_id: grant.clientID,
            auth_time: grant.authTime.map { Int($0.timeIntervalSince1970) })
        var header = JWTHeader()
        header.typ = "at+jwt"
        let token = try await keys.sign(claims, kid: JWKIdentifier(string: kid), header: header)
        return IssuedAccessToken(token: token, tokenID: tokenID, expiresAt: expiresAt, expiresIn: seconds)
    }

    /// Signs an `id_token` for `grant`, addressed to its client, echoing `nonce`.
    public func idToken(for grant: TokenGrant, nonce: String?, now: Date) async throws -> String {
        let issuedAt = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let claims = IDTokenClaims(
            iss: IssuerClaim(value: configuration.issuer), sub: SubjectClaim(value: grant.subject),
            aud: AudienceClaim(value: [grant.clientID ?? configuration.audience]),
            exp: ExpirationClaim(value: issuedAt.addingTimeInterval(TimeInterval(configuration.accessTokenLifetime.seconds))),
            iat: IssuedAtClaim(value: issuedAt), auth_time: grant.authTime.map { Int($0.timeIntervalSince1970) }, nonce: nonce,
            fhirUser: grant.scopes.contains(.fhirUser) ? grant.fhirUser.map(configuration.absoluteURL) : nil, azp: grant.clientID)
        var header = JWTHeader()
        header.typ = "JWT"
        return try await keys.sign(claims, kid: JWKIdentifier(string: kid), header: header)
    }
}
