import Foundation
import FHIRCore
import Store

/// Derives the search index entries of a resource: for every search parameter of its type, the values its
/// expression selects, as ``IndexEntry`` values of the parameter's kind (token, string, date range, number and
/// quantity ranges, reference, uri, composite). Pure: the same resource always gives the same entries.
///
/// Each parameter's expression is compiled once per resource type and cached: simple paths are compiled against the
/// R4 model into member lookups (`TypedPath`, falling back to FHIRCore's ``SimplePath``), the others
/// (`where(type='...')`, `exists()`) run on the FHIRPath engine. A parameter whose root element is absent from the
/// resource is skipped without evaluation.
public struct IndexBuilder: Sendable {
    /// The parameters searched.
    public let registry: SearchParameterRegistry
    /// The server's base URL: absolute references starting with it are indexed as local ones.
    public let baseURL: String
    private let cache: CompiledParameters

    /// A builder for the parameters of `registry`, on a server at `baseURL` (`http://example.org/fhir`).
    public init(registry: SearchParameterRegistry = R4.searchParameters, baseURL: String) {
        self.registry = registry
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.cache = CompiledParameters(registry: registry)
    }

    /// Every index entry of `resource` for every search parameter of `type` (not `_id`/`_lastUpdated`, which the
    /// store keeps itself), deduplicated, in a stable order.
    public func entries(for resource: JSON, type: String) -> [IndexEntry] {
        let present = Self.presentElements(resource)
        var entries: [IndexEntry] = []
        entries.reserveCapacity(64)
        for parameter in cache.parameters(for: type) where parameter.applies(to: present) {
            extract(parameter, from: resource, into: &entries)
        }
        // Entries of different parameters never compare equal: each parameter's values are deduplicated alone.
        return entries
    }

    /// The entries of one parameter (used for `_include`); empty for an unknown parameter.
    public func entries(for resource: JSON, type: String, param: String) -> [IndexEntry] {
        guard let parameter = cache.parameters(for: type).first(where: { $0.code == param }) else { return [] }
        var entries: [IndexEntry] = []
        extract(parameter, from: resource, into: &entries)
        return entries
    }

    private func extract(_ parameter: CompiledParameter, from resource: JSON, into entries: inout [IndexEntry]) {
        let values = parameter.expression.evaluate(resource)
        guard !values.isEmpty else { return }
        if parameter.type == .composite {
            var found: [IndexValue] = []
            for value in values {
                for combination in compositeValues(parameter, of: value, resource: resource) { found.append(.composite(combination)) }
            }
            for value in Self.deduplicated(found) { entries.append(IndexEntry(param: parameter.code, value: value)) }
            return
        }
        var found: [IndexValue] = []
        for value in values { IndexValues.extract(value, as: parameter.type, baseURL: baseURL, into: &found) }
        for value in Self.deduplicated(found) { entries.append(IndexEntry(param: parameter.code, value: value)) }
    }

    /// The cross product of the components' values (each evaluated relative to `value`).
    private func compositeValues(_ parameter: CompiledParameter, of value: JSON, resource: JSON) -> [[IndexValue]] {
        var combinations: [[IndexValue]] = [[]]
        for component in parameter.components {
            var found: [IndexValue] = []
            for item in component.expression.evaluate(relativeTo: value, resource: resource) {
                IndexValues.extract(item, as: component.type, baseURL: baseURL, withText: false, into: &found)
            }
            // Only the primary kinds take part: composite queries never use `:text`, `:of-type` or `:identifier`.
            found.removeAll { value in
                switch value {
                case .tokenText, .identifierOfType, .referenceIdentifier: true
                default: false
                }
            }
            guard !found.isEmpty else { return [] }
            combinations = combinations.flatMap { prefix in found.map { prefix + [$0] } }
        }
        return combinations
    }

    /// The names of the resource's top-level elements, with the base name of choice elements (`valueQuantity`
    /// gives `valueQuantity` and `value`).
    static func presentElements(_ resource: JSON) -> Set<String> {
        guard case .object(let object) = resource else { return [] }
        var names = Set<String>(minimumCapacity: object.count * 2)
        for member in object {
            let key = member.key
            names.insert(key)
            if let upper = key.utf8.dropFirst().firstIndex(where: { $0 >= 65 && $0 <= 90 }) {
                names.insert(String(key[..<upper]))
            }
        }
        return names
    }

    /// The values without repeats, in order: pairwise comparison for the few values of most parameters, a set
    /// beyond.
    static func deduplicated(_ values: [IndexValue]) -> [IndexValue] {
        guard values.count > 1 else { return values }
        if values.count <= 12 {
            var kept: [IndexValue] = []
            kept.reserveCapacity(values.count)
            for v in values where !kept.contains(v) { kept.append(v) }
            return kept
        }
        var seen = Set<IndexValue>(minimumCapacity: values.count)
        return values.filter { seen.insert($0).inserted }
    }
}
