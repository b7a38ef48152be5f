/// Splits a ``ByteChunkSource`` into lines (without their `\n` or `\r\n`), numbering them from 1.
final class LineReader {
    private let source: any ByteChunkSource
    private var buffer: [UInt8] = []
    private var start = 0
    private var ended = false
    /// The number of the last line returned.
    private(set) var lineNumber = 0

    /// Reads lines from `source`.
    init(source: any ByteChunkSource) { self.source = source }

    /// The next line and its number, or `nil` at the end. A last line without `\n` is returned too.
    func nextLine() throws -> (number: Int, bytes: [UInt8])? {
        var searchFrom = start
        while true {
            if let newline = buffer[searchFrom...].firstIndex(of: UInt8(ascii: "\n")) {
                var end = newline
                if end > start && buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                let line = Array(buffer[start..<end])
                start = newline + 1
                lineNumber += 1
                return (lineNumber, line)
            }
            if ended {
                guard start < buffer.count else { return nil }
                var end = buffer.count
                if buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                let line = Array(buffer[start..<end])
                start = buffer.count
                lineNumber += 1
                return (lineNumber, line)
            }
            // Drop consumed bytes, then read more.
            if start > 0 {
                buffer.removeFirst(start)
                start = 0
            }
            searchFrom = buffer.count
            if let chunk = try source.nextChunk() {
                buffer.append(contentsOf: chunk)
            } else {
                ended = true
            }
        }
    }
}
