/// Content held by the ``ContentStore``: its address (SHA-256), the SHA-1 that FHIR R4 puts in
/// `Attachment.hash`, and its size.
public struct StoredContent: Sendable, Hashable {
    /// Lower-case hexadecimal SHA-256 of the bytes: the content's address on disk.
    public var sha256: String
    /// Base64 SHA-1 of the bytes, as `Attachment.hash` carries it in R4.
    public var sha1Base64: String
    /// Number of bytes.
    public var size: Int64
    /// Whether this write created the file (false: the same bytes were already stored, deduplicated).
    public var isNew: Bool

    /// Content described field by field.
    public init(sha256: String, sha1Base64: String, size: Int64, isNew: Bool = false) {
        self.sha256 = sha256
        self.sha1Base64 = sha1Base64
        self.size = size
        self.isNew = isNew
    }
}
