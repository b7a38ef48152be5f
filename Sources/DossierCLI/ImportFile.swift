/// One input file of `dossier import`, with what was learnt about it before loading.
struct ImportFile: Sendable, Equatable {
    /// How the file's content is laid out.
    enum Format: Sendable, Equatable {
        /// One JSON document: a batch or transaction Bundle.
        case bundle
        /// Newline-delimited JSON: one resource per line.
        case ndjson
    }

    /// The path given or found.
    let path: String
    let format: Format
    /// The Bundle's `type` (`batch`, `transaction`, ...), read from the file's first bytes; `nil` for NDJSON or when
    /// unreadable.
    var bundleType: String?
    /// The `resourceType` of the first resource of an NDJSON file, or `Bundle` for a bundle.
    var resourceType: String?
    /// A problem found while peeking (unreadable, not JSON): the file is reported as failed without being sent.
    var problem: String?

    /// The file name without its folders.
    var name: String { path.split(separator: "/").last.map(String.init) ?? path }

    /// The format implied by a file name, or `nil` when the importer does not read such files.
    static func format(ofName name: String) -> Format? {
        let lower = name.lowercased()
        if lower.hasSuffix(".json") || lower.hasSuffix(".json.bz2") { return .bundle }
        if lower.hasSuffix(".ndjson") || lower.hasSuffix(".ndjson.bz2") { return .ndjson }
        return nil
    }
}
