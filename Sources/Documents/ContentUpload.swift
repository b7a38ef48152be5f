import Crypto
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One document being written to the ``ContentStore``: a temporary file in the store's folder, hashed (SHA-256 and
/// SHA-1) and counted as the chunks arrive, so memory stays bounded whatever the size. Finished by
/// ``ContentStore/commit(_:)``, or ``abort()``ed (the temporary file is removed). Used by one task at a time.
public final class ContentUpload {
    /// Path of the temporary file.
    let temporaryPath: String
    private var descriptor: Int32
    private var sha256 = SHA256()
    private var sha1 = Insecure.SHA1()
    /// Bytes written so far.
    public private(set) var size: Int64 = 0
    /// The most bytes accepted (``ContentError/tooLarge(limit:)`` beyond).
    public let limit: Int64

    init(temporaryPath: String, descriptor: Int32, limit: Int64) {
        self.temporaryPath = temporaryPath
        self.descriptor = descriptor
        self.limit = limit
    }

    deinit { if descriptor >= 0 { abort() } }

    /// Appends a chunk: hashed, counted, written. Throws ``ContentError/tooLarge(limit:)`` past the limit (the
    /// upload is then aborted).
    public func write(_ chunk: UnsafeRawBufferPointer) throws {
        guard descriptor >= 0 else { throw ContentError.io("the upload is closed") }
        guard size + Int64(chunk.count) <= limit else {
            abort()
            throw ContentError.tooLarge(limit: limit)
        }
        sha256.update(bufferPointer: chunk)
        sha1.update(bufferPointer: chunk)
        var offset = 0
        while offset < chunk.count {
            let n = Glibc.write(descriptor, chunk.baseAddress! + offset, chunk.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                let code = errno
                abort()
                throw ContentError.io("write failed (errno \(code))")
            }
            offset += n
        }
        size += Int64(chunk.count)
    }

    /// Reads a whole ``ContentSource`` into the upload.
    public func write(from source: some ContentSource) async throws {
        try await source.forEachChunk { try self.write($0) }
    }

    /// Flushes the file to disk and closes it; returns the hashes.
    func finish() throws -> (sha256: String, sha1Base64: String) {
        guard descriptor >= 0 else { throw ContentError.io("the upload is closed") }
        if fsync(descriptor) != 0 {
            let code = errno
            abort()
            throw ContentError.io("fsync failed (errno \(code))")
        }
        close(descriptor)
        descriptor = -1
        let hex = sha256.finalize().map { byte in
            let digits: [Character] = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
        }.joined()
        let sha1Base64 = Data(sha1.finalize()).base64EncodedString()
        return (hex, sha1Base64)
    }

    /// Abandons the upload: closes and removes the temporary file.
    public func abort() {
        if descriptor >= 0 { close(descriptor); descriptor = -1 }
        unlink(temporaryPath)
    }
}

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
