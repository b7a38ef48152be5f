import Documents
import Hummingbird

/// A request body read chunk by chunk as Hummingbird receives it: a raw document upload, handed to the content
/// store without being collected (memory stays bounded by NIO's buffers, whatever the document's size).
struct StreamedContent: ContentSource {
    let body: RequestBody

    func forEachChunk(_ consume: (UnsafeRawBufferPointer) throws -> Void) async throws {
        for try await buffer in body {
            try buffer.withUnsafeReadableBytes { try consume($0) }
        }
    }
}
