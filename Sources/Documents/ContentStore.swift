#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization

/// Document content on disk, addressed by SHA-256 and deduplicated: `DIR/ab/abcdef…` (the first two hex digits
/// name a subfolder). A document is streamed to a temporary file in `DIR/tmp`, fsynced, renamed to its address
/// and the folder fsynced, so an acknowledged document survives a crash and a half-written one is never visible
/// under its address. Files are immutable; the same bytes are stored once.
///
/// A write that the caller later abandons (refused, failed transaction) is undone by ``release(_:keep:)``: the
/// file is removed when this write created it and no other write of the same bytes is in flight or kept.
public final class ContentStore: Sendable {
    /// The folder (`…/content`).
    public let directory: String
    /// Per SHA-256: writes in flight, and whether one was kept (then the file is never removed).
    private let claims = Mutex<[String: (inFlight: Int, kept: Bool)]>([:])

    /// A store in `directory` (created on first write).
    public init(directory: String) {
        var dir = directory
        while dir.count > 1, dir.hasSuffix("/") { dir.removeLast() }
        self.directory = dir
    }

    /// The file of a SHA-256 (it may not exist).
    public func path(of sha256: String) -> String {
        "\(directory)/\(sha256.prefix(2))/\(sha256)"
    }

    /// Whether content with this SHA-256 is stored.
    public func contains(_ sha256: String) -> Bool {
        guard Self.isSHA256(sha256) else { return false }
        return access(path(of: sha256), F_OK) == 0
    }

    /// The size of stored content, nil when absent.
    public func size(of sha256: String) -> Int64? {
        guard Self.isSHA256(sha256) else { return nil }
        var info = stat()
        guard stat(path(of: sha256), &info) == 0 else { return nil }
        return Int64(info.st_size)
    }

    /// Starts writing a document of at most `limit` bytes.
    public func beginUpload(limit: Int64) throws -> ContentUpload {
        let tmp = directory + "/tmp"
        try Self.makeDirectory(directory)
        try Self.makeDirectory(tmp)
        var template = Array("\(tmp)/upload-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw ContentError.io("cannot create a temporary file in \(tmp) (errno \(errno))") }
        let path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        return ContentUpload(temporaryPath: path, descriptor: fd, limit: limit)
    }

    /// Finishes an upload: fsync, rename to its address (or drop it when the same bytes are already stored),
    /// fsync the folders. The content is claimed until ``release(_:keep:)``.
    public func commit(_ upload: ContentUpload) throws -> StoredContent {
        let (sha256, sha1) = try upload.finish()
        let size = upload.size
        claims.withLock { c in
            var claim = c[sha256] ?? (0, false)
            claim.inFlight += 1
            c[sha256] = claim
        }
        do {
            let target = path(of: sha256)
            if access(target, F_OK) == 0 {
                unlink(upload.temporaryPath)
                return StoredContent(sha256: sha256, sha1Base64: sha1, size: size, isNew: false)
            }
            let folder = "\(directory)/\(sha256.prefix(2))"
            let created = try Self.makeDirectory(folder)
            guard rename(upload.temporaryPath, target) == 0 else {
                let code = errno
                unlink(upload.temporaryPath)
                throw ContentError.io("cannot rename the upload to \(target) (errno \(code))")
            }
            try Self.syncDirectory(folder)
            if created { try Self.syncDirectory(directory) }
            return StoredContent(sha256: sha256, sha1Base64: sha1, size: size, isNew: true)
        } catch {
            claims.withLock { c in Self.drop(&c, sha256, kept: false) }
            throw error
        }
    }

    /// Stores bytes already in memory (a FHIR `Binary.data`).
    public func store(_ bytes: [UInt8]) throws -> StoredContent {
        let upload = try beginUpload(limit: Int64(bytes.count))
        try bytes.withUnsafeBytes { try upload.write($0) }
        return try commit(upload)
    }

    /// Ends the claim of a committed write. `keep: false` (the write was refused or its transaction failed)
    /// removes the file when this write created it and nothing else holds it.
    public func release(_ content: StoredContent, keep: Bool) {
        let remove = claims.withLock { c -> Bool in
            let keptBefore = c[content.sha256]?.kept ?? false
            let inFlight = c[content.sha256]?.inFlight ?? 1
            Self.drop(&c, content.sha256, kept: keep)
            return !keep && content.isNew && !keptBefore && inFlight <= 1
        }
        if remove { unlink(path(of: content.sha256)) }
    }

    /// Reads `length` bytes from `offset` of stored content, in chunks of at most `chunkSize`, handing each to
    /// `consume` (memory stays bounded by the chunk size).
    public func read(_ sha256: String, offset: Int64, length: Int64, chunkSize: Int = 256 * 1024,
                     _ consume: ([UInt8]) async throws -> Void) async throws {
        guard Self.isSHA256(sha256) else { throw ContentError.missing(sha256: sha256) }
        let fd = open(path(of: sha256), O_RDONLY)
        guard fd >= 0 else { throw ContentError.missing(sha256: sha256) }
        defer { close(fd) }
        var position = offset
        let end = offset + length
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        while position < end {
            let want = Int(min(Int64(chunkSize), end - position))
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, want, off_t(position)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ContentError.io("read failed (errno \(errno))")
            }
            if n == 0 { throw ContentError.io("content \(sha256) is shorter than expected") }
            try await consume(n == buffer.count ? buffer : Array(buffer[0..<n]))
            position += Int64(n)
        }
    }

    /// All the bytes of stored content (small documents only: FHIR JSON `data`).
    public func bytes(_ sha256: String) async throws -> [UInt8] {
        guard let size = size(of: sha256) else { throw ContentError.missing(sha256: sha256) }
        var all: [UInt8] = []
        all.reserveCapacity(Int(size))
        try await read(sha256, offset: 0, length: size) { all += $0 }
        return all
    }

    /// Whether a text is a lower-case hex SHA-256 (64 digits): nothing else names a file.
    public static func isSHA256(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    private static func drop(_ claims: inout [String: (inFlight: Int, kept: Bool)], _ sha256: String, kept: Bool) {
        guard var claim = claims[sha256] else { return }
        claim.inFlight -= 1
        claim.kept = claim.kept || kept
        claims[sha256] = claim.inFlight <= 0 ? nil : claim
    }

    /// Creates a folder if missing; true when it was created.
    @discardableResult
    private static func makeDirectory(_ path: String) throws -> Bool {
        if mkdir(path, 0o700) == 0 { return true }
        if errno == EEXIST { return false }
        if errno == ENOENT {
            let parent = (path as NSString).deletingLastPathComponent
            if !parent.isEmpty, parent != path { try makeDirectory(parent) }
            if mkdir(path, 0o700) == 0 || errno == EEXIST { return true }
        }
        throw ContentError.io("cannot create folder \(path) (errno \(errno))")
    }

    /// fsyncs a folder, so that a rename into it is durable.
    private static func syncDirectory(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY)
        guard fd >= 0 else { throw ContentError.io("cannot open folder \(path) (errno \(errno))") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw ContentError.io("cannot fsync folder \(path) (errno \(errno))") }
    }
}
