import Auth
import Hummingbird

/// `GET /authorize` shows the sign-in page for a valid authorization request; `POST /authorize` (the page's form)
/// signs the person in and redirects back to the application with a code, or with `access_denied`.
struct AuthorizeController: Sendable {
    let server: AuthorizationServer
    let page = SignInPage()

    func register(on router: Router<DossierRequestContext>) {
        router.get("/authorize") { request, _ in await show(request.queryFields) }
        router.post("/authorize") { request, _ in
            var request = request
            guard let fields = try await request.formFields() else {
                // RFC 6749 allows POST for the authorization request itself ("authorize-post").
                return await show(request.queryFields)
            }
            return await submit(fields)
        }
    }

    func show(_ parameters: [String: String]) async -> Response {
        do {
            let authorization = try await server.validateAuthorizationRequest(parameters)
            return AuthResponses.html(page.render(authorization, message: nil, username: ""))
        } catch {
            return failure(error)
        }
    }

    func submit(_ fields: [(String, String)]) async -> Response {
        let parameters = FormEncoding.dictionary(fields)
        let authorization: AuthorizationRequest
        do {
            authorization = try await server.validateAuthorizationRequest(parameters)
        } catch {
            return failure(error)
        }
        if parameters["decision"] == "deny" { return AuthResponses.redirect(server.deny(authorization)) }
        let username = parameters["username"] ?? ""
        do {
            let account = try await server.signIn(username: username, password: parameters["password"] ?? "", oneTimeCode: parameters["otp"])
            let approved = Set(fields.filter { $0.0 == "grant" }.map(\.1))
            return AuthResponses.redirect(try await server.approve(authorization, account: account, approved: approved))
        } catch let error as SignInError {
            return AuthResponses.html(page.render(authorization, message: error.message, username: username), status: .unauthorized)
        } catch {
            return AuthResponses.html(page.renderError("Sign-in is unavailable at the moment; try again."), status: .internalServerError)
        }
    }

    func failure(_ error: AuthorizationRequestError) -> Response {
        switch error {
        case .cannotRedirect(let message): AuthResponses.html(page.renderError(message), status: .badRequest)
        case .redirect: AuthResponses.redirect(error.redirectURL!)
        }
    }
}
