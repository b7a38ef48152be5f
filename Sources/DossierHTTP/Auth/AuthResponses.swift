import Auth
import Foundation
import HTTPTypes
import Hummingbird

/// The shapes of the authorisation endpoints' answers: JSON with `Cache-Control: no-store` (RFC 6749 §5.1),
/// OAuth errors, redirects and HTML pages with strict security headers.
enum AuthResponses {
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json", .cacheControl: "no-store", .pragma: "no-cache"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func error(_ error: OAuthError) -> Response {
        json(["error": error.code.rawValue, "error_description": error.message], status: .init(code: error.status))
    }

    /// 303 See Other to `location` (the browser follows with a GET, whatever the form's method).
    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }

    /// An HTML page that loads nothing from elsewhere, cannot be framed and is never cached.
    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [
            .contentType: "text/html; charset=utf-8",
            .cacheControl: "no-store",
            .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
            .xFrameOptions: "DENY",
            .referrerPolicy: "no-referrer",
        ], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

extension HTTPField.Name {
    static let pragma = Self("Pragma")!
    static let xFrameOptions = Self("X-Frame-Options")!
    static let referrerPolicy = Self("Referrer-Policy")!
}
