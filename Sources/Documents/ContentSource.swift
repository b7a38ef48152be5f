/// A request body delivered in chunks (the HTTP layer's streaming body), so that a large document never has to be
/// held in memory: the content store consumes it chunk by chunk.
public protocol ContentSource: Sendable {
    /// Calls `consume` with each chunk, in order, until the body ends; stops at the first error `consume` throws.
    func forEachChunk(_ consume: (UnsafeRawBufferPointer) throws -> Void) async throws
}

/// A body already in memory (tests, FHIR JSON `data`), as a ``ContentSource``.
public struct InMemoryContent: ContentSource {
    /// The bytes.
    public var bytes: [UInt8]
    /// Bytes handed in `chunkSize` pieces.
    public var chunkSize: Int

    /// A source over `bytes`.
    public init(_ bytes: [UInt8], chunkSize: Int = 64 * 1024) {
        self.bytes = bytes
        self.chunkSize = max(1, chunkSize)
    }

    public func forEachChunk(_ consume: (UnsafeRawBufferPointer) throws -> Void) async throws {
        try bytes.withUnsafeBytes { all in
            var start = 0
            while start < all.count {
                let end = min(all.count, start + chunkSize)
                try consume(UnsafeRawBufferPointer(rebasing: all[start..<end]))
                start = end
            }
        }
    }
}
