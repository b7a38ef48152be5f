import Foundation

extension AuthorizationServer {
    /// RFC 7662: what a token is, if it is live (an access token of this server or of an external issuer, or a
    /// refresh token).
    public func introspect(_ token: String) async -> IntrospectionResponse {
        if let identity = try? await verifier.verify(bearer: token) {
            return IntrospectionResponse(
                active: true, scope: identity.scopes.description, client_id: identity.clientID, sub: identity.subject,
                exp: Int(identity.expiresAt.timeIntervalSince1970), iss: identity.issuer,
                aud: identity.issuer == configuration.issuer ? configuration.audience : nil, token_type: "Bearer",
                fhirUser: identity.fhirUser?.description, patient: identity.patient?.id, role: identity.role?.description,
                admin: identity.isAdmin ? true : nil)
        }
        if let record = try? await store.activeRefreshToken(digest: SecureRandom.digest(token), now: now()) {
            return IntrospectionResponse(
                active: true, scope: record.grant.scopes.description, client_id: record.grant.clientID, sub: record.grant.subject,
                exp: Int(record.expiresAt.timeIntervalSince1970), iss: configuration.issuer, aud: nil, token_type: "refresh_token",
                fhirUser: record.grant.fhirUser?.description, patient: record.grant.patient?.id, role: record.grant.role?.description,
                admin: nil)
        }
        return .inactive
    }

    /// RFC 7009: revokes a refresh token (with its whole rotation family) or one of this server's access tokens.
    /// Unknown or invalid tokens are ignored, as the RFC asks.
    public func revoke(_ token: String) async throws {
        if try await store.revokeRefreshTokenFamily(digest: SecureRandom.digest(token)) { return }
        if let identity = try? await verifier.verifyOwn(token) {
            try await store.revokeAccessToken(id: identity.tokenID, expiresAt: identity.expiresAt)
            verifier.verified.forget(tokenID: identity.tokenID)
        }
    }
}
