import Auth
import Hummingbird
import HummingbirdAuth

/// The request context of every Dossier route: Hummingbird's core storage plus the caller's identity, set by
/// ``BearerAuthMiddleware`` from a verified bearer token (`nil` when the request carries none).
/// `requireIdentity()` (from HummingbirdAuth's `AuthRequestContext`) throws 401 when it is absent.
public struct DossierRequestContext: AuthRequestContext, RequestContext {
    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// Who is calling, if a valid bearer token came with the request.
    public var identity: AuthenticatedIdentity?

    /// A context for a new request, with no identity yet.
    public init(source: Source) {
        coreContext = .init(source: source)
        identity = nil
    }
}
