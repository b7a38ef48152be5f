import FHIRCore

/// A relative reference `Type/id` to one of the resources a person signs in as (Patient, Practitioner,
/// RelatedPerson) or acts through (PractitionerRole).
public struct ActorReference: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The resource type.
    public let type: String
    /// The logical id.
    public let id: String

    /// Parses `Type/id` (no base URL, no version) whose type is one of `allowedTypes`; `nil` otherwise.
    public init?(_ text: String, allowedTypes: Set<String> = ["Patient", "Practitioner", "PractitionerRole", "RelatedPerson"]) {
        guard let parsed = ReferenceParser.parse(text), parsed.kind == .relative, parsed.version == nil,
              let type = parsed.type, let id = parsed.id, allowedTypes.contains(type) else { return nil }
        self.type = type
        self.id = id
    }

    /// `Type/id`.
    public var description: String { "\(type)/\(id)" }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = ActorReference(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a Type/id actor reference: \(text)"))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
