import Foundation
import FHIRCore
import FHIRPath
import Store
import Synchronization

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
