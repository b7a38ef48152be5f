import CBZip2

/// Streams the decompressed bytes of bzip2 data with libbz2 (`BZ2_bzDecompress`), one output chunk at a time.
///
/// Concatenated bzip2 streams (as written by `pbzip2` or `cat a.bz2 b.bz2`) are decoded one after the other;
/// bytes after the last stream that are not bzip2 data are ignored, as the `bzip2` tool does.
final class BZip2Decompressor: ByteChunkSource {
    private let source: any ByteChunkSource
    private let outputChunkSize: Int
    /// libbz2 keeps a pointer to its `bz_stream`, so it lives at a fixed heap address.
    private let stream: UnsafeMutablePointer<bz_stream>
    private var streamOpen = false
    private var streamsDecoded = 0
    private var input: [UInt8] = []
    private var inputOffset = 0
    private var sourceEnded = false
    private var finished = false

    /// Decompresses what `source` yields, in output chunks of `outputChunkSize` bytes.
    init(source: any ByteChunkSource, outputChunkSize: Int = 1 << 20) {
        self.source = source
        self.outputChunkSize = outputChunkSize
        stream = .allocate(capacity: 1)
        stream.initialize(to: bz_stream())
    }

    deinit {
        if streamOpen { BZ2_bzDecompressEnd(stream) }
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Refills `input` when it is used up; returns `false` when the source is exhausted too.
    private func ensureInput() throws -> Bool {
        if inputOffset < input.count { return true }
        if sourceEnded { return false }
        if let chunk = try source.nextChunk() {
            input = chunk
            inputOffset = 0
            return true
        }
        sourceEnded = true
        input = []
        inputOffset = 0
        return false
    }

    func nextChunk() throws -> [UInt8]? {
        if finished { return nil }
        var output = [UInt8](repeating: 0, count: outputChunkSize)
        var produced = 0
        while produced < outputChunkSize {
            let haveInput = try ensureInput()
            if !streamOpen {
                guard haveInput else { finished = true; break }
                stream.pointee = bz_stream()
                let rc = BZ2_bzDecompressInit(stream, 0, 0)
                guard rc == BZ_OK else { throw ImportError.compression("bzip2: cannot initialise decoder (\(rc))") }
                streamOpen = true
            }
            let available = input.count - inputOffset
            var consumed = 0
            var emitted = 0
            let rc: Int32 = input.withUnsafeMutableBufferPointer { inBuffer in
                output.withUnsafeMutableBufferPointer { outBuffer in
                    let inBase = inBuffer.baseAddress.map { UnsafeMutableRawPointer($0 + inputOffset) }
                    stream.pointee.next_in = inBase?.assumingMemoryBound(to: CChar.self)
                    stream.pointee.avail_in = UInt32(available)
                    stream.pointee.next_out = UnsafeMutableRawPointer(outBuffer.baseAddress! + produced)
                        .assumingMemoryBound(to: CChar.self)
                    stream.pointee.avail_out = UInt32(outputChunkSize - produced)
                    let rc = BZ2_bzDecompress(stream)
                    consumed = available - Int(stream.pointee.avail_in)
                    emitted = (outputChunkSize - produced) - Int(stream.pointee.avail_out)
                    stream.pointee.next_in = nil
                    stream.pointee.next_out = nil
                    return rc
                }
            }
            inputOffset += consumed
            produced += emitted
            switch rc {
            case BZ_STREAM_END:
                BZ2_bzDecompressEnd(stream)
                streamOpen = false
                streamsDecoded += 1
            case BZ_OK:
                if consumed == 0 && emitted == 0 && !haveInput {
                    throw ImportError.compression("bzip2: unexpected end of compressed data (truncated file?)")
                }
            case BZ_DATA_ERROR_MAGIC where streamsDecoded > 0:
                // Trailing bytes after complete streams: ignored, like bzip2(1) does.
                BZ2_bzDecompressEnd(stream)
                streamOpen = false
                finished = true
                input = []
                inputOffset = 0
                sourceEnded = true
            case BZ_DATA_ERROR, BZ_DATA_ERROR_MAGIC:
                throw ImportError.compression("bzip2: the data is corrupt or not bzip2")
            case BZ_MEM_ERROR:
                throw ImportError.compression("bzip2: out of memory")
            default:
                throw ImportError.compression("bzip2: decoder error \(rc)")
            }
            if finished { break }
        }
        if produced == 0 { finished = true; return nil }
        output.removeLast(outputChunkSize - produced)
        return output
    }
}
