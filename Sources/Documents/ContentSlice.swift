/// A part of stored content to send as a response body: the bytes `offset ..< offset + length` of the content
/// with this SHA-256 in the ``ContentStore``.
public struct ContentSlice: Sendable, Hashable {
    /// The content's address.
    public var sha256: String
    /// First byte sent.
    public var offset: Int64
    /// Number of bytes sent.
    public var length: Int64

    /// A slice.
    public init(sha256: String, offset: Int64, length: Int64) {
        self.sha256 = sha256
        self.offset = offset
        self.length = length
    }
}
