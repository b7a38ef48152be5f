import Documents
import Synchronization

/// The document content one request wrote to the ``Documents/ContentStore`` before its store transaction: kept
/// when the request succeeded, removed (when it created the file and nothing else holds it) when it failed or was
/// refused, so that no orphan content is left behind. Settled once by ``FHIRService/handle(_:)``. Also the
/// DocumentReferences a transaction writes, whose Binaries its own authorisation covers.
final class PendingContents: Sendable {
    private let contents = Mutex<[StoredContent]>([])
    private let documents = Mutex<Set<String>>([])

    /// Notes the DocumentReferences (`DocumentReference/id`) a transaction writes with their content.
    func noteDocuments(_ references: some Sequence<String>) { documents.withLock { $0.formUnion(references) } }

    /// Whether this request writes the DocumentReference itself (its write is decided on its own).
    func writesDocument(_ reference: String) -> Bool { documents.withLock { $0.contains(reference) } }

    /// Notes content written for this request.
    func add(_ content: StoredContent) { contents.withLock { $0.append(content) } }

    /// Keeps or drops everything noted, once.
    func settle(_ store: ContentStore, keep: Bool) {
        let all = contents.withLock { c -> [StoredContent] in defer { c = [] }; return c }
        for content in all { store.release(content, keep: keep) }
    }
}
