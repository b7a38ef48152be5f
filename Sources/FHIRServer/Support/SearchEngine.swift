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
        Snapshot(
            registry: registry,
            builder: IndexBuilder(registry: registry, baseURL: configuration.baseURL),
            parser: SearchParser(registry: registry, baseURL: configuration.baseURL,
                                 defaultCount: configuration.defaultPageSize, maxCount: configuration.maxPageSize))
    }
}
