#if canImport(Glibc)
import Glibc
private let systemRead = Glibc.read
#elseif canImport(Darwin)
import Darwin
private let systemRead = Darwin.read
#endif

/// Reads a file in fixed-size chunks with plain `read(2)` calls.
final class FileChunkReader: ByteChunkSource {
    /// The file that is read.
    let path: String
    private var fd: Int32
    private let chunkSize: Int

    /// Opens `path` for reading; throws ``ImportError/io(_:)`` when it cannot be opened.
    init(path: String, chunkSize: Int = 256 * 1024) throws {
        self.path = path
        self.chunkSize = chunkSize
        fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw ImportError.io("cannot open \(path): \(String(cString: strerror(errno)))") }
    }

    deinit { if fd >= 0 { close(fd) } }

    /// The file's size in bytes, if it can be read.
    var size: Int? {
        var info = stat()
        return fstat(fd, &info) == 0 ? Int(info.st_size) : nil
    }

    func nextChunk() throws -> [UInt8]? {
        guard fd >= 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        while true {
            let n = buffer.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, chunkSize) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ImportError.io("cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if n == 0 {
                close(fd)
                fd = -1
                return nil
            }
            buffer.removeLast(chunkSize - n)
            return buffer
        }
    }
}
