/// A small evaluator for the subset of FHIRPath that the Patient compartment's search-parameter expressions use:
/// dotted paths from the resource type (`Observation.subject`), `|` unions, `.where(resolve() is Patient)`,
/// `(X as Reference)`, `.as(Reference)`, `.ofType(Reference)`, choice elements (`Observation.value` finds
/// `valueQuantity`, `valueString`...), `[n]` indexes and `first()`.
///
/// It stands in until the full FHIRPath engine exists; anything else is refused when the expression is compiled,
/// never silently mis-evaluated. `resolve() is T` is decided from the reference text (`Patient/1` is a Patient) or,
/// failing that, from `Reference.type`.
public struct SimplePath: Sendable, Hashable, CustomStringConvertible {
    /// One step applied to a collection.
    indirect enum Step: Sendable, Hashable {
        /// The members of this name (expanding choice elements and arrays).
        case member(String)
        /// Keep the items whose type is this one (`as`, `ofType`).
        case ofType(String)
        /// Keep the references that point to this resource type.
        case whereResolveIs(String)
        /// The item at this index.
        case index(Int)
        /// The first item.
        case first
    }

    /// A compiled expression: a union of paths.
    indirect enum Node: Sendable, Hashable {
        /// Start from the resource, if it is of this type (or `Resource`/`DomainResource`), then apply the steps.
        case path(root: String, steps: [Step])
        /// Evaluate the inner node, then apply the steps.
        case group(Node, steps: [Step])
        /// The union of the parts' results.
        case union([Node])
    }

    /// The expression's text.
    public let text: String
    let root: Node

    /// Compiles `expression`; throws `FHIRError(.notImplemented)` for FHIRPath outside the supported subset and
    /// `.invalid` for malformed text.
    public init(_ expression: String) throws(FHIRError) {
        text = expression
        var parser = SimplePathParser(expression)
        root = try parser.parseExpression()
    }

    /// The expression's text.
    public var description: String { text }

    /// The values the expression selects in `resource`, in document order (arrays flattened, duplicates removed).
    public func evaluate(_ resource: JSON, model: R4Model = R4.model) -> [JSON] {
        guard let type = resource["resourceType"]?.stringValue else { return [] }
        var evaluator = SimplePathEvaluator(resource: resource, resourceType: type, model: model)
        var seen = Set<JSON>()
        return evaluator.evaluate(root).map(\.value).filter { seen.insert($0).inserted }
    }
}

/// A value met while evaluating, with its FHIR type and structure when the model knows them.
struct SimplePathItem {
    var value: JSON
    var type: String?
    var structure: String?
}

struct SimplePathEvaluator {
    let resource: JSON
    let resourceType: String
    let model: R4Model

    init(resource: JSON, resourceType: String, model: R4Model) {
        self.resource = resource
        self.resourceType = resourceType
        self.model = model
    }

    mutating func evaluate(_ node: SimplePath.Node) -> [SimplePathItem] {
        switch node {
        case .union(let parts):
            return parts.flatMap { evaluate($0) }
        case .group(let inner, let steps):
            return apply(steps, to: evaluate(inner))
        case .path(let root, let steps):
            guard root == resourceType || model.isType(resourceType, derivedFrom: root) else { return [] }
            return apply(steps, to: [SimplePathItem(value: resource, type: resourceType, structure: resourceType)])
        }
    }

    private func apply(_ steps: [SimplePath.Step], to start: [SimplePathItem]) -> [SimplePathItem] {
        var items = start
        for step in steps {
            switch step {
            case .member(let name):
                items = items.flatMap { member(name, of: $0) }
            case .ofType(let type):
                items = items.filter { item in
                    guard let t = item.type else { return true }
                    return Self.sameType(t, type) || model.isType(t, derivedFrom: type)
                }
            case .whereResolveIs(let type):
                items = items.filter { item in
                    guard case .object = item.value else { return false }
                    if let text = item.value["reference"]?.stringValue, let parsed = ReferenceParser.parse(text),
                       let t = parsed.type {
                        return t == type
                    }
                    return item.value["type"]?.stringValue.map { Self.typeName(ofTypeURI: $0) == type } ?? false
                }
            case .index(let k):
                items = items.indices.contains(k) ? [items[k]] : []
            case .first:
                items = items.isEmpty ? [] : [items[0]]
            }
        }
        return items
    }

    /// The values of member `name` of an object item, choice elements and arrays expanded.
    private func member(_ name: String, of item: SimplePathItem) -> [SimplePathItem] {
        guard case .object(let object) = item.value else { return [] }
        if let structure = item.structure {
            let elements = model.elements(of: structure)
            if let element = elements[name] {
                guard let value = object[name] else { return [] }
                return flatten(value, type: element.type, structure: element.structure)
            }
            if let types = model.choiceTypes(of: structure + "." + name) {
                var found: [SimplePathItem] = []
                for t in types {
                    guard let value = object[name + t] else { continue }
                    let type = FHIRPrimitiveType(named: t)?.rawValue ?? t
                    found += flatten(value, type: type, structure: elements[name + t]?.structure)
                }
                return found
            }
        }
        guard let value = object[name] else { return [] }
        return flatten(value, type: nil, structure: nil)
    }

    private func flatten(_ value: JSON, type: String?, structure: String?) -> [SimplePathItem] {
        func one(_ v: JSON) -> SimplePathItem {
            // A contained resource is described by its own type.
            if type == "Resource", let rt = v["resourceType"]?.stringValue {
                return SimplePathItem(value: v, type: rt, structure: rt)
            }
            return SimplePathItem(value: v, type: type, structure: structure)
        }
        if case .array(let elements) = value { return elements.map(one) }
        return [one(value)]
    }

    /// Type names compare equal when they differ only in the case of the first letter (`string` / `String`).
    static func sameType(_ a: String, _ b: String) -> Bool {
        a == b || (a.count == b.count && a.lowercased() == b.lowercased() && a.dropFirst() == b.dropFirst())
    }

    /// `Patient` for `Patient` or `http://hl7.org/fhir/StructureDefinition/Patient`.
    static func typeName(ofTypeURI text: String) -> String {
        text.split(separator: "/").last.map(String.init) ?? text
    }
}

/// Parses the supported FHIRPath subset into ``SimplePath/Node``.
struct SimplePathParser {
    private enum Token: Equatable {
        case identifier(String)
        case number(Int)
        case symbol(Character)
        case end
    }

    private let text: String
    private var tokens: [Token] = []
    private var position = 0
    private var lexError: FHIRError?

    init(_ text: String) {
        self.text = text
        var chars = Array(text)[...]
        while let c = chars.first {
            if c.isWhitespace {
                chars = chars.dropFirst()
            } else if c.isLetter || c == "_" {
                let word = chars.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                tokens.append(.identifier(String(word)))
                chars = chars.dropFirst(word.count)
            } else if c == "`" {
                let rest = chars.dropFirst()
                let word = rest.prefix { $0 != "`" }
                tokens.append(.identifier(String(word)))
                chars = rest.dropFirst(word.count + 1)
            } else if c.isNumber {
                let digits = chars.prefix { $0.isNumber }
                tokens.append(.number(Int(String(digits)) ?? 0))
                chars = chars.dropFirst(digits.count)
            } else if "().|[]".contains(c) {
                tokens.append(.symbol(c))
                chars = chars.dropFirst()
            } else {
                lexError = Self.unsupported(text, "the character '\(c)'")
                break
            }
        }
        tokens.append(.end)
    }

    private static func unsupported(_ text: String, _ what: String) -> FHIRError {
        FHIRError(.notImplemented, "SimplePath does not support \(what) in the expression '\(text)'", issueType: "not-supported")
    }

    private var current: Token { token(at: position) }

    private func token(at k: Int) -> Token { k < tokens.count ? tokens[k] : .end }

    private mutating func expect(_ symbol: Character) throws(FHIRError) {
        guard current == .symbol(symbol) else {
            throw FHIRError(.invalid, "Expected '\(symbol)' in the FHIRPath expression '\(text)'", issueType: "invalid")
        }
        position += 1
    }

    private mutating func typeName() throws(FHIRError) -> String {
        guard case .identifier(var name) = current else {
            throw FHIRError(.invalid, "Expected a type name in the FHIRPath expression '\(text)'", issueType: "invalid")
        }
        position += 1
        // Qualified names: FHIR.Patient, System.String.
        if (name == "FHIR" || name == "System"), current == .symbol("."), case .identifier(let inner) = token(at: position + 1) {
            position += 2
            name = name == "System" ? "System." + inner : inner
        }
        return name
    }

    mutating func parseExpression() throws(FHIRError) -> SimplePath.Node {
        if let lexError { throw lexError }
        let node = try parseUnion()
        guard current == .end else { throw Self.unsupported(text, "what follows position \(position)") }
        return node
    }

    private mutating func parseUnion() throws(FHIRError) -> SimplePath.Node {
        var parts = [try parseTerm()]
        while current == .symbol("|") {
            position += 1
            parts.append(try parseTerm())
        }
        return parts.count == 1 ? parts[0] : .union(parts)
    }

    /// A path or parenthesised expression, then steps, then an optional infix `as Type`.
    private mutating func parseTerm() throws(FHIRError) -> SimplePath.Node {
        var node: SimplePath.Node
        if current == .symbol("(") {
            position += 1
            let inner = try parseUnion()
            try expect(")")
            node = .group(inner, steps: try parseSteps(afterDot: false))
        } else if case .identifier(let root) = current {
            position += 1
            node = .path(root: root, steps: try parseSteps(afterDot: false))
        } else {
            throw FHIRError(.invalid, "Expected a path in the FHIRPath expression '\(text)'", issueType: "invalid")
        }
        while case .identifier(let word) = current, word == "as" || word == "is" {
            guard word == "as" else { throw Self.unsupported(text, "the 'is' operator outside where(resolve() is T)") }
            position += 1
            node = .group(node, steps: [.ofType(try typeName())])
        }
        return node
    }

    private mutating func parseSteps(afterDot: Bool) throws(FHIRError) -> [SimplePath.Step] {
        var steps: [SimplePath.Step] = []
        while true {
            if current == .symbol("[") {
                position += 1
                guard case .number(let k) = current else { throw Self.unsupported(text, "a non-numeric index") }
                position += 1
                try expect("]")
                steps.append(.index(k))
                continue
            }
            guard current == .symbol(".") else { return steps }
            position += 1
            guard case .identifier(let name) = current else {
                throw FHIRError(.invalid, "Expected a name after '.' in the FHIRPath expression '\(text)'", issueType: "invalid")
            }
            position += 1
            guard current == .symbol("(") else {
                steps.append(.member(name))
                continue
            }
            // A function call.
            position += 1
            switch name {
            case "as", "ofType":
                steps.append(.ofType(try typeName()))
                try expect(")")
            case "first":
                try expect(")")
                steps.append(.first)
            case "where":
                guard case .identifier("resolve") = current, token(at: position + 1) == .symbol("("),
                      token(at: position + 2) == .symbol(")"), case .identifier("is") = token(at: position + 3) else {
                    throw Self.unsupported(text, "where() other than where(resolve() is Type)")
                }
                position += 4
                steps.append(.whereResolveIs(try typeName()))
                try expect(")")
            default:
                throw Self.unsupported(text, "the function \(name)()")
            }
        }
    }
}
