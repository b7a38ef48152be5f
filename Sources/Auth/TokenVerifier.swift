import Foundation
import JWTKit

/// Verifies bearer tokens and says who is calling: this server's own access tokens (signature with the signing
/// key, `typ` `at+jwt`, issuer, audience, expiry, not revoked) and tokens of configured external OpenID Connect
/// providers (signature with their JWKS, issuer, audience, expiry, claims mapped to a FHIR user).
public struct TokenVerifier: Sendable {
    let configuration: AuthConfiguration
    let ownKeys: JWTKeyCollection
    let store: any AuthStore
    let externalKeys: ExternalKeyCache
    let now: @Sendable () -> Date
    /// Accepted clock difference with other issuers, in seconds.
    let leeway: TimeInterval = 30
    /// This server's tokens whose signature was already checked (the signature check is the costly part of a
    /// request; expiry and revocation are still checked on every use).
    let verified = VerifiedTokenCache()

    /// A verifier for tokens signed by `signingKey` and by `configuration.externalIssuers`.
    public init(configuration: AuthConfiguration, signingKey: SigningKey, store: any AuthStore,
                externalKeys: ExternalKeyCache = ExternalKeyCache(), now: @escaping @Sendable () -> Date = Date.init) async {
        self.configuration = configuration
        ownKeys = await signingKey.keyCollection()
        self.store = store
        self.externalKeys = externalKeys
        self.now = now
    }

    /// The identity `bearer` (the token after `Bearer `) stands for; throws ``TokenVerificationError`` if the token
    /// is malformed, badly signed, expired, revoked, or from an issuer or for an audience not accepted here.
    public func verify(bearer: String) async throws -> AuthenticatedIdentity {
        if let known = verified[bearer] { return try await checked(bearer, known) }
        guard let (header, payload) = JWTInspection.unverifiedParts(bearer) else { throw TokenVerificationError("not a JWT") }
        guard let issuer = payload["iss"] as? String else { throw TokenVerificationError("no issuer") }
        if issuer == configuration.issuer {
            guard (header["typ"] as? String)?.lowercased() == "at+jwt" else { throw TokenVerificationError("not an access token") }
            return try await verifyOwn(bearer)
        }
        guard let external = configuration.externalIssuers.first(where: { $0.issuer == issuer }) else {
            throw TokenVerificationError("issuer \(issuer) is not accepted")
        }
        return try await verifyExternal(bearer, issuer: external, kid: header["kid"] as? String)
    }

    func verifyOwn(_ token: String) async throws -> AuthenticatedIdentity {
        if let known = verified[token] { return try await checked(token, known) }
        let claims: AccessTokenClaims
        do {
            claims = try await ownKeys.verify(token, as: AccessTokenClaims.self)
        } catch {
            throw TokenVerificationError("signature or format: \(error)")
        }
        guard claims.aud.value.contains(configuration.audience) else { throw TokenVerificationError("wrong audience") }
        let entry = VerifiedTokenCache.Entry(claims: claims, identity: try identity(claims))
        verified[token] = entry
        return try await checked(token, entry)
    }

    /// The token's identity, if it is still unexpired and not revoked.
    private func checked(_ token: String, _ entry: VerifiedTokenCache.Entry) async throws -> AuthenticatedIdentity {
        let time = now()
        guard entry.claims.exp.value > time else { throw TokenVerificationError("expired") }
        if let checked = entry.notRevokedAt, time.timeIntervalSince(checked) < VerifiedTokenCache.revocationRecheck, time >= checked {
            return entry.identity
        }
        guard try await !store.isAccessTokenRevoked(id: entry.claims.jti.value) else { throw TokenVerificationError("revoked") }
        var fresh = entry
        fresh.notRevokedAt = time
        verified[token] = fresh
        return entry.identity
    }

    /// The identity verified claims of this server's token stand for.
    private func identity(_ claims: AccessTokenClaims) throws -> AuthenticatedIdentity {
        let fhirUser = try claims.fhirUser.map { text -> ActorReference in
            guard let reference = ExternalIssuer.reference(from: text, prefix: nil) else { throw TokenVerificationError("bad fhirUser") }
            return reference
        }
        return AuthenticatedIdentity(
            subject: claims.sub.value, fhirUser: fhirUser, role: claims.role.flatMap { ActorReference($0) },
            patient: claims.patient.flatMap { ActorReference("Patient/" + $0) }, scopes: ScopeSet(parsing: claims.scope),
            isAdmin: claims.admin ?? false, clientID: claims.client_id, tokenID: claims.jti.value, issuer: claims.iss.value,
            expiresAt: claims.exp.value)
    }

    func verifyExternal(_ token: String, issuer: ExternalIssuer, kid: String?) async throws -> AuthenticatedIdentity {
        let claims: ExternalTokenClaims
        do {
            let keys = try await externalKeys.keys(for: issuer, kid: kid, now: now())
            claims = try await keys.verify(token, as: ExternalTokenClaims.self)
        } catch let error as TokenVerificationError {
            throw error
        } catch {
            throw TokenVerificationError("external token from \(issuer.issuer): \(error)")
        }
        let current = now().timeIntervalSince1970
        guard claims.string("iss") == issuer.issuer else { throw TokenVerificationError("wrong issuer") }
        guard claims.strings("aud").contains(issuer.audience) else { throw TokenVerificationError("wrong audience") }
        guard let exp = claims.number("exp"), exp + leeway > current else { throw TokenVerificationError("expired or no exp") }
        if let nbf = claims.number("nbf"), nbf - leeway > current { throw TokenVerificationError("not yet valid") }
        guard let subject = claims.string("sub") else { throw TokenVerificationError("no sub") }
        guard let userValue = claims.string(issuer.fhirUserClaim),
              let fhirUser = ExternalIssuer.reference(from: userValue, prefix: issuer.fhirUserPrefix),
              ["Patient", "Practitioner", "RelatedPerson"].contains(fhirUser.type)
        else { throw TokenVerificationError("claim \(issuer.fhirUserClaim) does not name a FHIR user") }
        let role = issuer.roleClaim.flatMap { claims.string($0) }.flatMap { ExternalIssuer.reference(from: $0, prefix: issuer.rolePrefix) }
        let scopes = ScopeSet(parsing: claims.string(issuer.scopeClaim) ?? issuer.defaultScopes)
        let tokenID = claims.string("jti") ?? "\(issuer.issuer)#\(subject)#\(Int(exp))"
        return AuthenticatedIdentity(
            subject: subject, fhirUser: fhirUser, role: role?.type == "PractitionerRole" ? role : nil,
            patient: fhirUser.type == "Patient" ? fhirUser : nil, scopes: scopes, isAdmin: false, clientID: claims.string("azp"),
            tokenID: tokenID, issuer: issuer.issuer, expiresAt: Date(timeIntervalSince1970: exp))
    }
}
