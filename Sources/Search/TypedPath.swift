import FHIRCore

/// A simple path expression (the ``SimplePath`` subset without `first()` and `[n]`) compiled for one resource type
/// against the R4 model, so that evaluating it is only member lookups: choice elements are expanded and
/// `as`/`ofType` decided when compiling (`(Observation.value as Quantity)` is the member `valueQuantity`), and only
/// `where(resolve() is T)` and type tests on contained resources remain for run time.
///
/// It gives the same values as ``SimplePath`` (without removing duplicates, which the index builder does on the
/// entries), several times faster; the index builder's throughput depends on it.
struct TypedPath: Sendable {
    enum Step: Sendable, Hashable {
        /// The member of this name, arrays flattened.
        case key(String)
        /// Keep the references whose target is of this type.
        case whereResolveIs(String)
        /// Keep the resources of this type (an element typed `Resource`).
        case resourceType(String)
    }

    /// The branches of the union, each a list of steps from the resource.
    let branches: [[Step]]

    /// Compiles `expression` for resources of `resourceType`; nil when it is outside the supported subset.
    init?(_ expression: String, resourceType: String, model: R4Model = R4.model) {
        guard var parser = TypedPathParser(expression), let node = parser.parse() else { return nil }
        guard let branches = TypedPathCompiler(resourceType: resourceType, model: model).compile(node) else { return nil }
        self.branches = branches.map(\.steps)
    }

    func evaluate(_ resource: JSON) -> [JSON] {
        var result: [JSON] = []
        for branch in branches {
            var items = [resource]
            for step in branch {
                switch step {
                case .key(let name):
                    var next: [JSON] = []
                    for item in items {
                        guard case .object(let o) = item, let v = o[name] else { continue }
                        if case .array(let a) = v { next.append(contentsOf: a) } else { next.append(v) }
                    }
                    items = next
                case .whereResolveIs(let type):
                    items = items.filter { item in
                        guard case .object = item else { return false }
                        if let text = item["reference"]?.stringValue, let parsed = ReferenceParser.parse(text), let t = parsed.type {
                            return t == type
                        }
                        return item["type"]?.stringValue.map { ($0.split(separator: "/").last.map(String.init) ?? $0) == type } ?? false
                    }
                case .resourceType(let type):
                    items = items.filter { $0["resourceType"]?.stringValue.map { $0 == type || R4.model.isType($0, derivedFrom: type) } ?? true }
                }
                if items.isEmpty { break }
            }
            result.append(contentsOf: items)
        }
        return result
    }
}

/// The parsed form of the supported subset.
indirect enum TypedPathNode {
    /// Start from the resource (root type name), then apply the steps.
    case path(root: String, steps: [TypedPathStep])
    /// Evaluate the inner node, then apply the steps.
    case group(TypedPathNode, steps: [TypedPathStep])
    case union([TypedPathNode])
}

enum TypedPathStep {
    case member(String)
    case ofType(String)
    case whereResolveIs(String)
}

/// Compiles a node into branches with their static types.
struct TypedPathCompiler {
    struct Branch {
        var steps: [TypedPath.Step]
        /// The FHIR type of the values (nil when unknown).
        var type: String?
        /// Where their children are described in the model (nil when unknown or primitive).
        var structure: String?
    }

    let resourceType: String
    let model: R4Model

    func compile(_ node: TypedPathNode) -> [Branch]? {
        switch node {
        case .union(let parts):
            var all: [Branch] = []
            for part in parts {
                guard let branches = compile(part) else { return nil }
                all += branches
            }
            return all
        case .group(let inner, let steps):
            guard let branches = compile(inner) else { return nil }
            return apply(steps, to: branches)
        case .path(let root, let steps):
            guard root == resourceType || model.isType(resourceType, derivedFrom: root) else { return [] }
            return apply(steps, to: [Branch(steps: [], type: resourceType, structure: resourceType)])
        }
    }

    private func apply(_ steps: [TypedPathStep], to start: [Branch]) -> [Branch]? {
        var branches = start
        for step in steps {
            var next: [Branch] = []
            for branch in branches {
                switch step {
                case .member(let name):
                    next += member(name, of: branch)
                case .ofType(let type):
                    guard let t = branch.type else { next.append(branch); continue }
                    if t == "Resource" {
                        var b = branch
                        b.steps.append(.resourceType(type))
                        b.type = type
                        b.structure = type
                        next.append(b)
                    } else if Self.sameType(t, type) || model.isType(t, derivedFrom: type) {
                        next.append(branch)
                    }
                case .whereResolveIs(let type):
                    var b = branch
                    b.steps.append(.whereResolveIs(type))
                    next.append(b)
                }
            }
            branches = next
        }
        return branches
    }

    /// The branches reaching member `name`: one, or one per type of a choice element.
    private func member(_ name: String, of branch: Branch) -> [Branch] {
        func extended(_ key: String, _ type: String?, _ structure: String?) -> Branch {
            var b = branch
            b.steps.append(.key(key))
            // A contained resource is described by its own type, known only at run time.
            b.type = type
            b.structure = type == "Resource" ? nil : structure
            return b
        }
        guard let structure = branch.structure else { return [extended(name, nil, nil)] }
        let elements = model.elements(of: structure)
        if let element = elements[name] { return [extended(name, element.type, element.structure)] }
        if let types = model.choiceTypes(of: structure + "." + name) {
            return types.map { t in
                extended(name + t, FHIRPrimitiveType(named: t)?.rawValue ?? t, elements[name + t]?.structure)
            }
        }
        return [extended(name, nil, nil)]
    }

    /// Type names compare equal when they differ only in the case of the first letter (`string` / `String`).
    static func sameType(_ a: String, _ b: String) -> Bool {
        a == b || (a.count == b.count && a.lowercased() == b.lowercased() && a.dropFirst() == b.dropFirst())
    }
}

/// Parses the subset: unions, dotted paths, parentheses, `as T`, `.as(T)`, `.ofType(T)`, `.where(resolve() is T)`.
struct TypedPathParser {
    private enum Token: Equatable {
        case identifier(String)
        case symbol(Character)
        case end
    }

    private var tokens: [Token] = []
    private var position = 0

    init?(_ text: String) {
        var chars = Array(text)[...]
        while let c = chars.first {
            if c.isWhitespace {
                chars = chars.dropFirst()
            } else if c.isLetter || c == "_" {
                let word = chars.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                tokens.append(.identifier(String(word)))
                chars = chars.dropFirst(word.count)
            } else if "().|".contains(c) {
                tokens.append(.symbol(c))
                chars = chars.dropFirst()
            } else {
                return nil
            }
        }
        tokens.append(.end)
    }

    private var current: Token { position < tokens.count ? tokens[position] : .end }

    private mutating func take(_ symbol: Character) -> Bool {
        guard current == .symbol(symbol) else { return false }
        position += 1
        return true
    }

    private mutating func identifier() -> String? {
        guard case .identifier(let name) = current else { return nil }
        position += 1
        return name
    }

    private mutating func typeName() -> String? {
        guard var name = identifier() else { return nil }
        if name == "FHIR", take(".") { name = identifier() ?? "" }
        if name == "System" { return nil }
        return name.isEmpty ? nil : name
    }

    mutating func parse() -> TypedPathNode? {
        guard let node = union(), current == .end else { return nil }
        return node
    }

    private mutating func union() -> TypedPathNode? {
        guard let first = term() else { return nil }
        var parts = [first]
        while take("|") {
            guard let next = term() else { return nil }
            parts.append(next)
        }
        return parts.count == 1 ? first : .union(parts)
    }

    private mutating func term() -> TypedPathNode? {
        var node: TypedPathNode
        if take("(") {
            guard let inner = union(), take(")"), let steps = steps() else { return nil }
            node = .group(inner, steps: steps)
        } else if let root = identifier() {
            guard let steps = steps() else { return nil }
            node = .path(root: root, steps: steps)
        } else {
            return nil
        }
        while case .identifier(let word) = current, word == "as" {
            position += 1
            guard let type = typeName() else { return nil }
            node = .group(node, steps: [.ofType(type)])
        }
        return node
    }

    private mutating func steps() -> [TypedPathStep]? {
        var steps: [TypedPathStep] = []
        while take(".") {
            guard let name = identifier() else { return nil }
            guard take("(") else {
                steps.append(.member(name))
                continue
            }
            switch name {
            case "as", "ofType":
                guard let type = typeName(), take(")") else { return nil }
                steps.append(.ofType(type))
            case "where":
                guard identifier() == "resolve", take("("), take(")"), identifier() == "is", let type = typeName(),
                      take(")") else { return nil }
                steps.append(.whereResolveIs(type))
            default:
                return nil
            }
        }
        return steps
    }
}
