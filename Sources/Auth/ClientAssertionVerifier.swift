import Foundation
import JWTKit

/// Authenticates a confidential client by its `private_key_jwt` assertion (RFC 7523, SMART Backend Services):
/// signed by a key of the client's registered JWKS, `iss` = `sub` = the client id, `aud` = the token endpoint,
/// expiring within five minutes, and a `jti` never seen before from that client.
struct ClientAssertionVerifier: Sendable {
    /// The only assertion type accepted.
    static let assertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

    let configuration: AuthConfiguration
    let store: any AuthStore

    struct Claims: JWTPayload {
        var iss: IssuerClaim
        var sub: SubjectClaim
        var aud: AudienceClaim
        var exp: ExpirationClaim
        var jti: IDClaim?
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    /// The client the assertion authenticates; `claimedClientID` is the request's `client_id`, if sent.
    func authenticate(assertion: String, claimedClientID: String?, now: Date) async throws -> OAuthClient {
        guard let (_, payload) = JWTInspection.unverifiedParts(assertion), let issuer = payload["iss"] as? String else {
            throw OAuthError(.invalidClient, "client_assertion is not a JWT with an iss")
        }
        guard let client = try await store.client(id: issuer), client.kind == .confidentialAsymmetric, let jwks = try? client.jwks() else {
            throw OAuthError(.invalidClient, "unknown confidential client")
        }
        let claims: Claims
        do {
            let keys = try await JWTKeyCollection().add(jwks: jwks)
            claims = try await keys.verify(assertion, as: Claims.self)
        } catch {
            throw OAuthError(.invalidClient, "client_assertion signature does not verify with the client's registered keys")
        }
        guard claims.iss.value == client.clientID, claims.sub.value == client.clientID else {
            throw OAuthError(.invalidClient, "client_assertion iss and sub must both be the client_id")
        }
        if let claimedClientID, claimedClientID != client.clientID {
            throw OAuthError(.invalidClient, "client_id does not match the client_assertion")
        }
        guard claims.aud.value.contains(configuration.tokenEndpoint) else {
            throw OAuthError(.invalidClient, "client_assertion aud must be the token endpoint \(configuration.tokenEndpoint)")
        }
        let expiry = claims.exp.value
        guard expiry > now else { throw OAuthError(.invalidClient, "client_assertion has expired") }
        guard expiry.timeIntervalSince(now) <= TimeInterval(configuration.maximumAssertionLifetime.seconds) + 5 else {
            throw OAuthError(.invalidClient, "client_assertion exp must be at most five minutes ahead")
        }
        guard let jti = claims.jti?.value, !jti.isEmpty else { throw OAuthError(.invalidClient, "client_assertion has no jti") }
        guard try await store.recordAssertionID(jti, clientID: client.clientID, expiresAt: expiry, now: now) else {
            throw OAuthError(.invalidClient, "client_assertion jti was already used")
        }
        return client
    }
}
