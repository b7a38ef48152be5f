import Foundation
import FHIRCore
import FHIRPath
import Store
import Synchronization

/// Derives the search index entries of a resource: for every search parameter of its type, the values its
/// expression selects, as ``IndexEntry`` values of the parameter's kind (token, string, date range, number and
/// quantity ranges, reference, uri, composite). Pure: the same resource always gives the same entries.
///
/// Each parameter's expression is compiled once per resource type and cached: simple paths are compiled against the
/// R4 model into member lookups (`TypedPath`, falling back to FHIRCore's ``SimplePath``), the others (`where(type='...')`, `exists()`) on the FHIRPath engine. A parameter whose root
/// element is absent from the resource is skipped without evaluation.
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

/// A search parameter compiled for one resource type.
struct CompiledParameter: Sendable {
    struct Component: Sendable {
        var type: SearchParameterType
        var expression: RelativeExpression
    }

    var code: String
    var type: SearchParameterType
    var expression: CompiledExpression
    /// The top-level elements one of which must be present for the expression to select anything; nil when the
    /// expression may select something whatever the resource holds (`Observation`, `exists()`).
    var roots: [String]?
    var components: [Component]

    func applies(to present: Set<String>) -> Bool {
        guard let roots else { return true }
        for root in roots where present.contains(root) { return true }
        return false
    }
}

/// A compiled expression: FHIRCore's fast ``SimplePath`` when it accepts the expression, FHIRPath otherwise.
enum CompiledExpression: Sendable {
    case typed(TypedPath)
    case simple(SimplePath)
    case fhirPath(FHIRPathExpression)

    init?(_ text: String, resourceType: String) {
        if let path = TypedPath(text, resourceType: resourceType) {
            self = .typed(path)
        } else if let path = try? SimplePath(text) {
            self = .simple(path)
        } else if let expression = try? FHIRPathExpression(text) {
            self = .fhirPath(expression)
        } else {
            return nil
        }
    }

    func evaluate(_ resource: JSON) -> [JSON] {
        switch self {
        case .typed(let path): return path.evaluate(resource)
        case .simple(let path): return path.evaluate(resource)
        case .fhirPath(let expression):
            return ((try? expression.evaluate(resource)) ?? []).compactMap(Self.json)
        }
    }

    /// A FHIRPath result as JSON: elements as their JSON value, System values as JSON primitives.
    static func json(_ value: FHIRPathValue) -> JSON? {
        if case .element(let e) = value { return e.value.isNull ? nil : e.value }
        return value.json
    }
}

/// A component expression of a composite parameter, relative to each value of the composite's expression. The
/// usual forms (`code`, `value.as(Quantity)`, `value.as(DateTime) | value.as(Period)`) are evaluated directly on
/// the JSON; anything else goes through FHIRPath.
enum RelativeExpression: Sendable {
    /// Union of `name` or `name.as(Type)` steps: (element name, type filter of a choice element).
    case members([(name: String, type: String?)])
    case fhirPath(FHIRPathExpression)

    init?(_ text: String) {
        var parts: [(name: String, type: String?)] = []
        for raw in text.split(separator: "|") {
            let part = raw.trimmingCharacters(in: .whitespaces)
            if part.allSatisfy({ $0.isLetter || $0.isNumber }) {
                parts.append((part, nil))
            } else if let open = part.range(of: ".as("), part.hasSuffix(")"),
                      part[..<open.lowerBound].allSatisfy({ $0.isLetter || $0.isNumber }) {
                let type = part[open.upperBound..<part.index(before: part.endIndex)]
                guard type.allSatisfy({ $0.isLetter }) else { parts = []; break }
                parts.append((String(part[..<open.lowerBound]), String(type)))
            } else {
                parts = []
                break
            }
        }
        if !parts.isEmpty {
            self = .members(parts)
        } else if let expression = try? FHIRPathExpression(text) {
            self = .fhirPath(expression)
        } else {
            return nil
        }
    }

    func evaluate(relativeTo value: JSON, resource: JSON) -> [JSON] {
        switch self {
        case .members(let parts):
            guard case .object(let object) = value else { return [] }
            var result: [JSON] = []
            for (name, type) in parts {
                if let type {
                    // A choice element: `value.as(Quantity)` is `valueQuantity`; `as(string)` is `valueString`.
                    let key = name + type.prefix(1).uppercased() + type.dropFirst()
                    if let v = object[key] { result += v.arrayValue ?? [v] }
                } else if let v = object[name] {
                    result += v.arrayValue ?? [v]
                }
            }
            return result
        case .fhirPath(let expression):
            // The element is evaluated untyped: member steps work, type tests on it do not.
            return ((try? expression.evaluate(value)) ?? []).compactMap(CompiledExpression.json)
        }
    }
}

/// The compiled parameters of each resource type, built on first use.
final class CompiledParameters: Sendable {
    private let registry: SearchParameterRegistry
    private let byType = Mutex<[String: [CompiledParameter]]>([:])

    init(registry: SearchParameterRegistry) { self.registry = registry }

    func parameters(for type: String) -> [CompiledParameter] {
        if let cached = byType.withLock({ $0[type] }) { return cached }
        let compiled = compile(type)
        byType.withLock { $0[type] = compiled }
        return compiled
    }

    private func compile(_ type: String) -> [CompiledParameter] {
        registry.parameters(for: type).compactMap { definition in
            guard definition.code != "_id", definition.code != "_lastUpdated", definition.type != .special,
                  let text = definition.expression(for: type), let expression = CompiledExpression(text, resourceType: type) else { return nil }
            var components: [CompiledParameter.Component] = []
            if definition.type == .composite {
                for component in definition.components {
                    guard let componentType = registry.parameter(url: component.definition)?.type,
                          let relative = RelativeExpression(component.expression) else { return nil }
                    components.append(.init(type: componentType, expression: relative))
                }
            }
            return CompiledParameter(code: definition.code, type: definition.type, expression: expression,
                                     roots: Self.roots(of: text), components: components)
        }
    }

    /// The first element of each union member (`Observation.subject.where(...)` -> `subject`); nil when a member
    /// does not start with `Type.element` or the expression computes something from absence.
    static func roots(of expression: String) -> [String]? {
        for marker in ["exists(", "empty(", "not()", " and ", " or ", "!=", "iif(", "count("] where expression.contains(marker) {
            return nil
        }
        var roots: [String] = []
        for member in splitUnion(expression) {
            var text = Substring(member).drop { $0 == "(" || $0 == " " }
            let type = text.prefix { $0.isLetter || $0.isNumber }
            guard !type.isEmpty else { return nil }
            text = text.dropFirst(type.count)
            guard text.first == "." else { return nil }
            text = text.dropFirst()
            let name = text.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            guard !name.isEmpty, name != "as", name != "ofType", name != "where" else { return nil }
            text = text.dropFirst(name.count)
            // A function call on the resource itself (`Resource.extension('...')`) is not an element.
            if text.first == "(" { return nil }
            roots.append(String(name))
        }
        return roots.isEmpty ? nil : roots
    }

    /// The top-level `|` members of an expression (not those inside parentheses or quotes).
    static func splitUnion(_ expression: String) -> [String] {
        var parts: [String] = []
        var depth = 0
        var quoted = false
        var current = ""
        for c in expression {
            if c == "'" { quoted.toggle() }
            if !quoted {
                if c == "(" { depth += 1 } else if c == ")" { depth -= 1 }
                if c == "|", depth == 0 {
                    parts.append(current.trimmingCharacters(in: .whitespaces))
                    current = ""
                    continue
                }
            }
            current.append(c)
        }
        parts.append(current.trimmingCharacters(in: .whitespaces))
        return parts
    }
}
