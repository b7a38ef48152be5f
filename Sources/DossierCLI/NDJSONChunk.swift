/// Consecutive lines of an NDJSON file, turned into one Bundle of `PUT Type/id` requests (`POST Type` for a resource
/// without an id), so that each resource is stored under its own id.
struct NDJSONChunk: Sendable {
    /// One resource line.
    struct Line: Sendable {
        /// 1-based line number in the file.
        let number: Int
        let resourceType: String
        let id: String?
        /// The resource JSON, as read.
        let json: [UInt8]
    }

    /// The resource lines, in file order.
    var lines: [Line] = []
    /// Lines that could not be used (not JSON, no `resourceType`), with why.
    var rejected: [(number: Int, message: String)] = []

    /// Checks one raw line and adds it as a resource or a rejection; blank lines are ignored.
    mutating func add(number: Int, bytes: [UInt8]) {
        guard bytes.contains(where: { !isJSONWhitespace($0) }) else { return }
        switch JSONPeek.topLevel(bytes) {
        case .fields(let fields):
            guard let type = fields.resourceType, !type.isEmpty else {
                rejected.append((number, "the line has no resourceType"))
                return
            }
            lines.append(Line(number: number, resourceType: type, id: fields.id, json: bytes))
        case .truncated:
            rejected.append((number, "not valid JSON: unexpected end of line"))
        case .invalid(let message):
            rejected.append((number, "not valid JSON: \(message)"))
        }
    }

    /// Number of lines added (used and rejected).
    var count: Int { lines.count + rejected.count }

    /// The Bundle of type `type` (`transaction` or `batch`) that writes these lines.
    func bundle(type: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(lines.reduce(64) { $0 + $1.json.count + 96 })
        out.append(contentsOf: #"{"resourceType":"Bundle","type":"\#(type)","entry":["#.utf8)
        for (index, line) in lines.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: #"{"resource":"#.utf8)
            out.append(contentsOf: line.json)
            if let id = line.id {
                out.append(contentsOf: #","request":{"method":"PUT","url":"#.utf8)
                appendJSONString("\(line.resourceType)/\(id)", to: &out)
            } else {
                out.append(contentsOf: #","request":{"method":"POST","url":"#.utf8)
                appendJSONString(line.resourceType, to: &out)
            }
            out.append(contentsOf: "}}".utf8)
        }
        out.append(contentsOf: "]}".utf8)
        return out
    }
}

/// Appends `text` as a JSON string literal.
func appendJSONString(_ text: String, to out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    for byte in text.utf8 {
        switch byte {
        case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
        case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
        case 0..<0x20:
            let hex = Array("0123456789abcdef".utf8)
            out.append(contentsOf: #"\u00"#.utf8)
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0xF)])
        default: out.append(byte)
        }
    }
    out.append(UInt8(ascii: "\""))
}
