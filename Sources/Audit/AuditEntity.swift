/// A resource an interaction touched (read, returned, written), rendered as an entity with role `4`
/// (Domain Resource).
public struct AuditEntity: Sendable, Hashable {
    /// `Type/id`.
    public var reference: String
    /// The version touched, when known (rendered `Type/id/_history/version`).
    public var version: String?

    /// A resource reference `Type/id`, with its version when known.
    public init(reference: String, version: String? = nil) {
        self.reference = reference
        self.version = version
    }

    /// The reference as rendered in `entity.what`: versioned when the version is known.
    public var renderedReference: String {
        guard let version, !version.isEmpty else { return reference }
        return "\(reference)/_history/\(version)"
    }
}
