import Synchronization

/// This server's access tokens whose signature has been verified, with their claims and identity, by token text: a
/// token seen again skips the ECDSA check and the claim mapping (its expiry and revocation are still checked on
/// every use). Bounded: when full, it is
/// emptied and refills with the tokens in use.
final class VerifiedTokenCache: Sendable {
    private let claims = Mutex([String: (claims: AccessTokenClaims, identity: AuthenticatedIdentity)]())
    private let limit: Int

    init(limit: Int = 10_000) { self.limit = limit }

    subscript(token: String) -> (claims: AccessTokenClaims, identity: AuthenticatedIdentity)? {
        get { claims.withLock { $0[token] } }
        set {
            claims.withLock { entries in
                if entries.count >= limit { entries.removeAll(keepingCapacity: true) }
                entries[token] = newValue
            }
        }
    }
}
