import FHIRCore
import Search
import Store
import Synchronization

/// The search parameters in force — the standard R4 ones plus the custom SearchParameter resources stored on the
/// server — with the index builder and query parser made from them. Replaced as a whole when a SearchParameter is
/// written, so a request always sees one consistent set.
final class SearchEngine: Sendable {
    /// One consistent set: the registry and what was built from it.
    struct Snapshot: Sendable {
        var registry: SearchParameterRegistry
        var builder: IndexBuilder
        var parser: SearchParser
        /// The reference parameters of each resource type (what a transaction indexes after rewriting references).
        var referenceParameters: [String: [String]]
        /// Whether a parameter's expression reads `meta.versionId` or `meta.lastUpdated` (a custom one may): its
        /// entries then depend on the version written, and writes are not prepared ahead.
        var readsVersionMeta: Bool
    }

    private let state: Mutex<Snapshot>
    private let configuration: ServerConfiguration

    init(configuration: ServerConfiguration) {
        self.configuration = configuration
        self.state = Mutex(Self.snapshot(R4.searchParameters, configuration))
    }

    /// The set in force now.
    var current: Snapshot { state.withLock { $0 } }

    /// Adds (or replaces) custom parameters. Existing resources are indexed for them by `$reindex`.
    func add(_ definitions: [SearchParameterDefinition]) {
        guard !definitions.isEmpty else { return }
        state.withLock { snapshot in
            var registry = snapshot.registry
            for definition in definitions { registry.add(definition) }
            snapshot = Self.snapshot(registry, configuration)
        }
    }

    private static func snapshot(_ registry: SearchParameterRegistry, _ configuration: ServerConfiguration) -> Snapshot {
        var references: [String: [String]] = [:]
        for type in R4.resourceTypes {
            references[type] = registry.parameters(for: type).filter { $0.type == .reference }.map(\.code)
        }
        return Snapshot(
            registry: registry,
            builder: IndexBuilder(registry: registry, baseURL: configuration.baseURL),
            parser: SearchParser(registry: registry, baseURL: configuration.baseURL,
                                 defaultCount: configuration.defaultPageSize, maxCount: configuration.maxPageSize),
            referenceParameters: references,
            readsVersionMeta: R4.resourceTypes.contains { type in
                registry.parameters(for: type).contains { p in
                    // `_lastUpdated` is the store's own column, not an index entry.
                    guard p.code != "_lastUpdated", let expression = p.expression else { return false }
                    return expression.contains("versionId") || expression.contains("lastUpdated")
                }
            })
    }
}
