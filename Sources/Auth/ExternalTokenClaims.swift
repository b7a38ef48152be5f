import JWTKit

/// The claims of an external provider's token, kept generically: which claim names a user is configuration.
struct ExternalTokenClaims: JWTPayload {
    enum Value: Codable, Sendable {
        case string(String)
        case number(Double)
        case bool(Bool)
        case strings([String])
        case other

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) { self = .string(text) }
            else if let number = try? container.decode(Double.self) { self = .number(number) }
            else if let flag = try? container.decode(Bool.self) { self = .bool(flag) }
            else if let list = try? container.decode([String].self) { self = .strings(list) }
            else { self = .other }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .string(let text): try container.encode(text)
            case .number(let number): try container.encode(number)
            case .bool(let flag): try container.encode(flag)
            case .strings(let list): try container.encode(list)
            case .other: try container.encodeNil()
            }
        }
    }

    let claims: [String: Value]

    init(from decoder: any Decoder) throws {
        claims = try decoder.singleValueContainer().decode([String: Value].self)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(claims)
    }

    func string(_ name: String) -> String? {
        if case .string(let text)? = claims[name] { text } else { nil }
    }

    func strings(_ name: String) -> [String] {
        switch claims[name] {
        case .string(let text)?: [text]
        case .strings(let list)?: list
        default: []
        }
    }

    func number(_ name: String) -> Double? {
        if case .number(let number)? = claims[name] { number } else { nil }
    }

    /// Issuer, audience and time checks depend on configuration: ``TokenVerifier`` does them.
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
