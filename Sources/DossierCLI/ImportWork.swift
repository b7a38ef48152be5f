/// One unit of work of an import, handed from the reading task to the sending tasks.
struct ImportWork: Sendable {
    /// What is to be sent.
    enum Payload: Sendable {
        /// A whole Bundle file.
        case bundle([UInt8])
        /// Lines of an NDJSON file.
        case ndjson(NDJSONChunk)
        /// A file that could not be read or used: counted as `count` failures (at least 1).
        case unusable(message: String)
    }

    /// The file this comes from.
    let file: ImportFile
    /// The loading step (see ``ImportPlan/phase(of:)``): all work of a step completes before the next step starts.
    let phase: Int
    /// Whether this is the file's last piece of work (so the file counts as done after it).
    let isLastOfFile: Bool
    let payload: Payload
}
