import Foundation

/// Why an authorization request cannot go on: either the client or redirect URI cannot be trusted, and the user is
/// told so on the page (never redirected there, RFC 6749 §4.1.2.1), or the error goes back to the client's
/// redirect URI.
public enum AuthorizationRequestError: Error, Sendable {
    /// Unknown client or unregistered redirect URI: show `message`, do not redirect.
    case cannotRedirect(String)
    /// Send `error` (and `state`) back to `redirectURI`.
    case redirect(OAuthError, redirectURI: String, state: String?)

    /// The URL to redirect to, for `.redirect`.
    public var redirectURL: String? {
        guard case .redirect(let error, let redirectURI, let state) = self else { return nil }
        var items = [("error", error.code.rawValue), ("error_description", error.message)]
        if let state { items.append(("state", state)) }
        return FormEncoding.appendQuery(items, to: redirectURI)
    }
}
