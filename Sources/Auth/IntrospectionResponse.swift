/// The introspection endpoint's answer (RFC 7662): `active` alone when the token is not live.
public struct IntrospectionResponse: Codable, Sendable, Hashable {
    public var active: Bool
    public var scope: String?
    public var client_id: String?
    public var sub: String?
    public var exp: Int?
    public var iss: String?
    public var aud: String?
    public var token_type: String?
    public var fhirUser: String?
    public var patient: String?
    public var role: String?
    public var admin: Bool?

    /// The answer for a token that is unknown, expired or revoked.
    public static let inactive = IntrospectionResponse(active: false)
}
