/// A producer of consecutive byte chunks (a file, or a decompressor over one), read until it returns `nil`.
protocol ByteChunkSource: AnyObject {
    /// The next chunk (never empty), or `nil` at the end.
    func nextChunk() throws -> [UInt8]?
}

extension ByteChunkSource {
    /// Reads everything that is left into one array.
    func readAll(sizeHint: Int = 0) throws -> [UInt8] {
        var all: [UInt8] = []
        all.reserveCapacity(sizeHint)
        while let chunk = try nextChunk() { all.append(contentsOf: chunk) }
        return all
    }

    /// Reads until at least `count` more bytes are available or the source ends, appending to `buffer`.
    /// Returns `false` when the source ended.
    func read(atLeast count: Int, into buffer: inout [UInt8]) throws -> Bool {
        let target = buffer.count + count
        while buffer.count < target {
            guard let chunk = try nextChunk() else { return false }
            buffer.append(contentsOf: chunk)
        }
        return true
    }
}

/// Opens `path` as a chunk source, decompressing on the fly when its name ends in `.bz2`.
/// - Parameter chunkSize: bytes per chunk; small when only the start of the file is wanted.
func openChunkSource(path: String, chunkSize: Int = 1 << 20) throws -> any ByteChunkSource {
    if path.hasSuffix(".bz2") {
        return BZip2Decompressor(source: try FileChunkReader(path: path), outputChunkSize: chunkSize)
    }
    return try FileChunkReader(path: path, chunkSize: min(chunkSize, 256 * 1024))
}
