/// What a `Reference.reference` string points to, as read by ``ReferenceParser``.
public struct ParsedReference: Sendable, Hashable {
    /// The form of the reference.
    public enum Kind: Sendable, Hashable {
        /// `Patient/123` or `Patient/123/_history/2`: a resource on this server.
        case relative
        /// `http://example.org/fhir/Patient/123`: a resource on a server at ``ParsedReference/baseURL``; or any other
        /// absolute URL, with ``ParsedReference/type`` and ``ParsedReference/id`` nil when it does not end in
        /// `Type/id`.
        case absolute
        /// `urn:uuid:...`: a resource in the same Bundle, identified by its `fullUrl`.
        case urnUUID
        /// `urn:oid:...`: a resource in the same Bundle, identified by its `fullUrl`.
        case urnOID
        /// `#id`: a resource contained in the referring one (`#` alone: the container itself).
        case contained
        /// `Patient?identifier=...`: a conditional reference, to be resolved by search inside a transaction.
        case conditional
    }

    /// The form of the reference.
    public let kind: Kind
    /// The resource type, when the reference names one.
    public let type: String?
    /// The logical id (for `#id`, the contained resource's id; nil for `#` alone).
    public let id: String?
    /// The version, for `.../_history/2`.
    public let version: String?
    /// The server's base URL for absolute references (`http://example.org/fhir`).
    public let baseURL: String?
    /// The whole URN for `urn:uuid:` and `urn:oid:` references.
    public let urn: String?
    /// The query of a conditional reference (`identifier=http://x|1`).
    public let query: String?

    /// `Type/id`, when the reference names both.
    public var typeAndID: String? {
        guard let type, let id, kind == .relative || kind == .absolute else { return nil }
        return "\(type)/\(id)"
    }
}
