import Auth
import Hummingbird

/// `POST /token`, `POST /introspect` and `POST /revoke`: form-encoded requests, JSON answers.
struct TokenController: Sendable {
    let server: AuthorizationServer

    func register(on router: Router<DossierRequestContext>) {
        router.post("/token") { request, _ in
            var request = request
            guard let fields = try await request.formFields() else {
                return AuthResponses.error(OAuthError(.invalidRequest, "the body must be application/x-www-form-urlencoded"))
            }
            do throws(OAuthError) {
                return AuthResponses.json(try await server.token(FormEncoding.dictionary(fields)))
            } catch {
                return AuthResponses.error(error)
            }
        }
        router.post("/introspect") { request, _ in
            var request = request
            guard let fields = try await request.formFields().map(FormEncoding.dictionary), let token = fields["token"] else {
                return AuthResponses.error(OAuthError(.invalidRequest, "a form body with token is required"))
            }
            // RFC 7662 §2.1: the caller must be authorised; any live token of this server (a resource server's or
            // an administrator's) is.
            guard let bearer = BearerAuthMiddleware.bearerToken(request.headers[.authorization]),
                  (try? await server.verifier.verify(bearer: bearer)) != nil
            else { return BearerAuthMiddleware.invalidToken() }
            return AuthResponses.json(await server.introspect(token))
        }
        router.post("/revoke") { request, _ in
            var request = request
            guard let fields = try await request.formFields().map(FormEncoding.dictionary), let token = fields["token"] else {
                return AuthResponses.error(OAuthError(.invalidRequest, "a form body with token is required"))
            }
            try await server.revoke(token)
            return Response(status: .ok, headers: [.cacheControl: "no-store"])
        }
    }
}
