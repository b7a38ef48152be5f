#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

/// This server's access tokens whose signature has been verified, with their claims and identity, by token text: a
/// token seen again skips the ECDSA check and the claim mapping. Its expiry is checked on every use, its revocation
/// at most ``revocationRecheck`` after the last check (revoking through this server also drops it at once).
/// Bounded: when full, it is emptied and refills with the tokens in use.
final class VerifiedTokenCache: Sendable {
    struct Entry: Sendable {
        var claims: AccessTokenClaims
        var identity: AuthenticatedIdentity
        /// When the token was last found not revoked.
        var notRevokedAt: Date?
    }

    /// How long a "not revoked" answer is reused.
    static let revocationRecheck: TimeInterval = 1
    private let entries = Mutex([String: Entry]())
    private let limit: Int

    init(limit: Int = 10_000) { self.limit = limit }

    subscript(token: String) -> Entry? {
        get { entries.withLock { $0[token] } }
        set {
            entries.withLock { entries in
                if entries.count >= limit { entries.removeAll(keepingCapacity: true) }
                entries[token] = newValue
            }
        }
    }

    /// Forgets the tokens with this `jti` (after a revocation).
    func forget(tokenID: String) {
        entries.withLock { entries in entries = entries.filter { $0.value.claims.jti.value != tokenID } }
    }
}
