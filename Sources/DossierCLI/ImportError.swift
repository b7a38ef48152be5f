/// Why an input could not be read or used by `dossier import`.
enum ImportError: Error, CustomStringConvertible {
    /// A file could not be opened or read.
    case io(String)
    /// Compressed data is corrupt or truncated.
    case compression(String)
    /// The content is not what the file's name promises (not JSON, not a Bundle, ...).
    case content(String)
    /// A server could not be reached or answered outside FHIR.
    case transport(String)

    var description: String {
        switch self {
        case .io(let m), .compression(let m), .content(let m), .transport(let m): m
        }
    }
}
