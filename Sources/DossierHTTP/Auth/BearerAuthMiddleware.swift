import Auth
import FHIRCore
import Hummingbird

/// Reads `Authorization: Bearer TOKEN`, verifies it with the ``TokenVerifier`` and puts the
/// ``AuthenticatedIdentity`` into the ``DossierRequestContext``. A request without a bearer token goes on with no
/// identity (enforcement is the access layer's job); a present but invalid token gets 401 with
/// `WWW-Authenticate: Bearer error="invalid_token"` (RFC 6750 §3.1).
public struct BearerAuthMiddleware: RouterMiddleware {
    public typealias Context = DossierRequestContext

    let verifier: TokenVerifier

    /// A middleware verifying with `verifier`.
    public init(verifier: TokenVerifier) { self.verifier = verifier }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token = Self.bearerToken(request.headers[.authorization]) else { return try await next(request, context) }
        var context = context
        do {
            context.identity = try await verifier.verify(bearer: token)
        } catch {
            context.logger.info("bearer token refused: \(error)")
            return Self.invalidToken()
        }
        return try await next(request, context)
    }

    /// The token of an `Authorization: Bearer …` header (scheme case-insensitive); `nil` for none or another scheme.
    static func bearerToken(_ header: String?) -> String? {
        guard let header, header.utf8.count > 7, header.prefix(7).lowercased() == "bearer " else { return nil }
        return String(header.dropFirst(7).trimmingHTTPWhitespace)
    }

    /// 401 with the RFC 6750 challenge.
    static func invalidToken() -> Response {
        Response(status: .unauthorized, headers: [
            .wwwAuthenticate: #"Bearer error="invalid_token", error_description="The access token is invalid, expired or revoked""#,
            .contentType: "application/json",
        ], body: .init(byteBuffer: ByteBuffer(string: #"{"error":"invalid_token"}"#)))
    }
}
