import Crypto
import Foundation
import JWTKit

/// The server's token-signing key: ES256 (P-256), created on first start as a PEM file in the data folder readable
/// by its owner only (0600), identified by its RFC 7638 JWK thumbprint (`kid`) and published as a JWKS.
public struct SigningKey: Sendable {
    /// The file name inside the data folder.
    public static let fileName = "auth-signing-key.pem"

    /// The private key.
    public let privateKey: ES256PrivateKey
    /// The key id: the base64url SHA-256 JWK thumbprint of the public key (RFC 7638).
    public let kid: String

    /// Wraps an existing key.
    public init(privateKey: ES256PrivateKey) throws {
        guard let parameters = privateKey.parameters else { throw JWTError.invalidJWK(reason: "The signing key has no public parameters.") }
        self.privateKey = privateKey
        let canonical = #"{"crv":"P-256","kty":"EC","x":"\#(parameters.x)","y":"\#(parameters.y)"}"#
        kid = Base64URL.encode(Array(SHA256.hash(data: Array(canonical.utf8))))
    }

    /// A new random key (not saved).
    public static func generate() throws -> SigningKey { try SigningKey(privateKey: ES256PrivateKey()) }

    /// Loads the key at `path`, or creates it there (mode 0600) if absent. Creation is atomic: a key written by a
    /// concurrent first start is read rather than overwritten.
    public static func loadOrCreate(at path: String) throws -> SigningKey {
        let manager = FileManager.default
        if !manager.fileExists(atPath: path) {
            let key = try generate()
            let temporary = path + ".\(UUID().uuidString).tmp"
            guard manager.createFile(atPath: temporary, contents: Data(key.privateKey.pemRepresentation.utf8),
                                     attributes: [.posixPermissions: 0o600]) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary])
            }
            defer { try? manager.removeItem(atPath: temporary) }
            if link(temporary, path) == 0 { return key }
            guard errno == EEXIST else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
        }
        let attributes = try manager.attributesOfItem(atPath: path)
        if let mode = attributes[.posixPermissions] as? NSNumber, mode.intValue & 0o077 != 0 {
            try manager.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        }
        let pem = try String(contentsOfFile: path, encoding: .utf8)
        return try SigningKey(privateKey: ES256PrivateKey(pem: pem))
    }

    /// The public key as a JWK (`kty` EC, `crv` P-256, `alg` ES256, `use` sig, `kid`).
    public var publicJWK: PublicJWK {
        let parameters = privateKey.parameters!
        return PublicJWK(kty: "EC", crv: "P-256", x: parameters.x, y: parameters.y, kid: kid, alg: "ES256", use: "sig")
    }

    /// The JWKS published at `/.well-known/jwks.json`.
    public var jwks: PublicJWKS { PublicJWKS(keys: [publicJWK]) }

    /// A key collection that signs with this key (under its `kid`) and verifies tokens it signed.
    public func keyCollection() async -> JWTKeyCollection {
        await JWTKeyCollection().add(ecdsa: privateKey, kid: JWKIdentifier(string: kid))
    }

    /// A public EC key in JWK form, with the members a JWKS consumer expects.
    public struct PublicJWK: Codable, Sendable, Hashable {
        public var kty: String
        public var crv: String
        public var x: String
        public var y: String
        public var kid: String
        public var alg: String
        public var use: String
    }

    /// A JWK Set of public keys.
    public struct PublicJWKS: Codable, Sendable, Hashable {
        public var keys: [PublicJWK]
    }
}
