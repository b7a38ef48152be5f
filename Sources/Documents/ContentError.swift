/// Why the content store refused or failed.
public enum ContentError: Error, Sendable, Equatable {
    /// The body went past the limit of `limit` bytes.
    case tooLarge(limit: Int64)
    /// The disk said no (the message names the call and errno).
    case io(String)
    /// No content is stored under this SHA-256.
    case missing(sha256: String)
}
