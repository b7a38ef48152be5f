/// The token endpoint's successful answer (RFC 6749 §5.1, with SMART's `patient` and OIDC's `id_token`).
public struct TokenResponse: Codable, Sendable, Hashable {
    public var access_token: String
    public var token_type: String
    public var expires_in: Int
    public var scope: String
    public var refresh_token: String?
    public var id_token: String?
    /// The patient in context (logical id).
    public var patient: String?
}
