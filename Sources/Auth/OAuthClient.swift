import Foundation
import JWTKit

/// An application registered to obtain tokens: a public app (SMART standalone launch, authorization code with
/// PKCE, exact redirect URIs) or a confidential backend service (SMART Backend Services, `private_key_jwt` with
/// the keys of its JWKS).
public struct OAuthClient: Sendable {
    /// How the client authenticates.
    public enum Kind: String, Sendable, Hashable {
        /// No secret: a browser or phone app; authorization code with PKCE only.
        case `public`
        /// Authenticates with a JWT signed by one of its registered keys (`private_key_jwt`).
        case confidentialAsymmetric = "confidential-asymmetric"
    }

    /// The `client_id`.
    public var clientID: String
    /// A name shown on the sign-in page.
    public var name: String
    /// How the client authenticates.
    public var kind: Kind
    /// The redirect URIs accepted, compared exactly (public clients).
    public var redirectURIs: [String]
    /// The public keys of a confidential client, as JWKS JSON.
    public var jwksJSON: String?
    /// When the client was registered.
    public var createdAt: Date

    /// A client from its parts.
    public init(clientID: String, name: String, kind: Kind, redirectURIs: [String], jwksJSON: String?, createdAt: Date = Date()) {
        self.clientID = clientID
        self.name = name
        self.kind = kind
        self.redirectURIs = redirectURIs
        self.jwksJSON = jwksJSON
        self.createdAt = createdAt
    }

    /// Whether `clientID` is acceptable: 1 to 128 visible ASCII characters without spaces.
    public static func isValidClientID(_ clientID: String) -> Bool {
        (1...128).contains(clientID.count) && clientID.allSatisfy { $0.isASCII && !$0.isWhitespace && $0 != "\"" && ($0.asciiValue ?? 0) > 32 }
    }

    /// The client's public keys; throws when the stored JWKS is not valid JSON.
    public func jwks() throws -> JWKS? {
        guard let jwksJSON else { return nil }
        return try JSONDecoder().decode(JWKS.self, from: Data(jwksJSON.utf8))
    }
}
