#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import FHIRCore

/// Evaluates a compiled expression for one context item. Cheap to create; holds no mutable state.
struct FHIRPathEvaluator {
    typealias Collection = [FHIRPathValue]

    /// What `$this`, `$index` and `$total` are at a point of evaluation.
    struct Scope {
        var this: Collection
        var index: Int?
        var total: Collection?
    }

    let context: FHIRPathValue
    let rootResource: JSON?
    let environment: [String: Collection]
    /// The R4 type model, shared (not copied per evaluation).
    static let model = R4.model

    init(context: FHIRPathValue, rootResource: JSON?, environment: [String: Collection]) {
        self.context = context
        self.rootResource = rootResource
        self.environment = environment
    }

    func evaluate(_ syntax: FHIRPathSyntax) throws(FHIRError) -> Collection {
        let start: Collection = [context]
        return try eval(syntax, start, Scope(this: start))
    }

    static func error(_ message: String) -> FHIRError {
        FHIRError(.invalid, "FHIRPath evaluation error: \(message)")
    }

    func eval(_ node: FHIRPathSyntax, _ focus: Collection, _ scope: Scope) throws(FHIRError) -> Collection {
        switch node {
        case .empty:
            return []
        case .literal(let v):
            return [v]
        case .member(let name):
            var out: Collection = []
            var unknownCount = 0
            for item in focus where !children(of: item, named: name, into: &out) { unknownCount += 1 }
            // Like a static check: an element that no item's type defines is an error (`name.given1`).
            if unknownCount > 0, unknownCount == focus.count {
                throw Self.error("\(focus[0].typeName) has no element '\(name)'")
            }
            return out
        case .invoke(let base, let member):
            let input = try eval(base, focus, scope)
            return try eval(member, input, scope)
        case .function(let f, let args):
            return try call(f, args, focus, scope)
        case .typeFunction(let f, let type):
            return try typeFunction(f, type, focus)
        case .this:
            return scope.this
        case .index:
            return scope.index.map { [.integer($0)] } ?? []
        case .total:
            return scope.total ?? []
        case .variable(let name):
            return try variable(name)
        case .indexer(let base, let indexNode):
            let input = try eval(base, focus, scope)
            let index = try eval(indexNode, scope.this, scope)
            guard let i = try integer(index, "indexer") else { return [] }
            return input.indices.contains(i) ? [input[i]] : []
        case .negate(let operand):
            let value = try eval(operand, focus, scope)
            guard let v = try singleton(value, "unary minus") else { return [] }
            switch v.systemValue {
            case .integer(let i): return [.integer(-i)]
            case .decimal(let d): return [.decimal(FHIRPathDecimal(-d.value, scale: d.scale))]
            case .quantity(var q): q.value = -q.value; return [.quantity(q)]
            default: throw Self.error("unary minus needs a number or a quantity")
            }
        case .binary(let op, let lhs, let rhs):
            return try binary(op, lhs, rhs, focus, scope)
        case .isType(let operand, let type):
            let value = try eval(operand, focus, scope)
            guard let v = try singleton(value, "is") else { return [] }
            return [.boolean(try matches(v, type))]
        case .asType(let operand, let type):
            // Lenient on collections (search parameters apply `as` to repeating elements): keeps the matching items.
            var out: Collection = []
            for v in try eval(operand, focus, scope) where try matches(v, type) { out.append(v) }
            return out
        }
    }

    private func variable(_ name: String) throws(FHIRError) -> Collection {
        if let value = environment[name] { return value }
        switch name {
        case "context": return [context]
        case "resource", "rootResource":
            if let root = rootResource, let e = FHIRPathElement(resource: root) { return [.element(e)] }
            return [context]
        case "ucum": return [.string("http://unitsofmeasure.org")]
        case "sct": return [.string("http://snomed.info/sct")]
        case "loinc": return [.string("http://loinc.org")]
        default:
            if name.hasPrefix("vs-") { return [.string("http://hl7.org/fhir/ValueSet/" + name.dropFirst(3))] }
            if name.hasPrefix("ext-") { return [.string("http://hl7.org/fhir/StructureDefinition/" + name.dropFirst(4))] }
            throw Self.error("unknown variable %\(name)")
        }
    }

    // MARK: - Singletons

    /// The single item of a collection, nil when empty; throws when there are several.
    func singleton(_ c: Collection, _ what: String) throws(FHIRError) -> FHIRPathValue? {
        if c.isEmpty { return nil }
        guard c.count == 1 else { throw Self.error("\(what) expects a single item, got \(c.count)") }
        return c[0]
    }

    func integer(_ c: Collection, _ what: String) throws(FHIRError) -> Int? {
        guard let v = try singleton(c, what) else { return nil }
        guard case .integer(let i) = v.systemValue else { throw Self.error("\(what) expects an integer") }
        return i
    }

    func string(_ c: Collection, _ what: String) throws(FHIRError) -> String? {
        guard let v = try singleton(c, what) else { return nil }
        guard case .string(let s) = v.systemValue else { throw Self.error("\(what) expects a string") }
        return s
    }

    /// Singleton evaluation as a Boolean: empty -> nil, a Boolean -> its value, any other single item -> true.
    func boolean(_ c: Collection, _ what: String) throws(FHIRError) -> Bool? {
        guard let v = try singleton(c, what) else { return nil }
        if case .boolean(let b) = v.systemValue { return b }
        return true
    }

    // MARK: - Navigation

    /// Appends the children called `name` of `item`: a member of an object (choice elements `value[x]` included),
    /// `extension`/`id` of a primitive, or the item itself when `name` is its resource type. Returns false when
    /// the item's type is known and has no such element.
    @discardableResult
    func children(of item: FHIRPathValue, named name: String, into out: inout Collection) -> Bool {
        guard case .element(let e) = item else { return true }
        guard case .object(let o) = e.value else {
            if let ext = e.primitiveExtension, name == "extension" || name == "id" {
                appendChildren(ext[name], nil, type: name == "id" ? "string" : "Extension",
                               structure: name == "id" ? nil : "Extension", into: &out)
            }
            return true
        }
        if let first = name.utf8.first, first >= 65, first <= 90, e.isResource {
            if Self.model.isType(e.type, derivedFrom: name) { out.append(item) }
            return true
        }
        guard let structure = e.structure else {
            if let v = o[name] { appendUntyped(v, into: &out) }
            return true
        }
        let elements = Self.model.elements(of: structure)
        if let def = elements[name], def.choiceBase == nil {
            // Only primitives have a `_name` sibling.
            let primitive = def.structure == nil && def.type != "Resource"
            guard let v = o[name] else {
                if primitive, let ext = o["_" + name] { appendChildren(nil, ext, def, into: &out) }
                return true
            }
            appendChildren(v, primitive ? o["_" + name] : nil, def, into: &out)
            return true
        }
        // A choice element: `value` matches `valueQuantity`, `valueString`, ...
        var found = false
        let count = name.utf8.count
        for m in o where m.key.utf8.count > count && m.key.hasPrefix(name) {
            let next = m.key.utf8[m.key.utf8.index(m.key.utf8.startIndex, offsetBy: count)]
            guard next >= 65, next <= 90, let def = elements[m.key], def.choiceBase == name else { continue }
            found = true
            appendChildren(m.value, o["_" + m.key], def, into: &out)
        }
        if !found, elements[name] == nil {
            if let v = o[name] {
                appendUntyped(v, into: &out)
            } else if !elements.isEmpty, Self.model.choiceTypes(of: structure + "." + name) == nil, name != "resourceType" {
                return false
            }
        }
        return true
    }

    private func appendChildren(_ value: JSON?, _ ext: JSON?, _ def: R4ElementDefinition, into out: inout Collection) {
        var type = def.type
        if type == "System.String" {
            if def.name == "url" {
                type = "uri"
            } else if def.name == "id", let dot = def.path.firstIndex(of: "."), def.path[dot...] == ".id",
                      Self.model.isType(String(def.path[..<dot]), derivedFrom: "Resource") {
                type = "id"
            } else {
                type = "string"
            }
        }
        appendChildren(value, ext, type: type, structure: def.structure, into: &out)
    }

    private func appendChildren(_ value: JSON?, _ ext: JSON?, type: String, structure: String?, into out: inout Collection) {
        switch value {
        case .array(let items)?:
            let exts = ext?.arrayValue
            for (i, v) in items.enumerated() {
                let x = exts.flatMap { i < $0.count ? $0[i] : nil }
                appendOne(v, x.flatMap { $0.isNull ? nil : $0 }, type: type, structure: structure, into: &out)
            }
        case nil:
            if case .array(let exts)? = ext {
                for x in exts where !x.isNull { appendOne(.null, x, type: type, structure: structure, into: &out) }
            } else if let ext {
                appendOne(.null, ext, type: type, structure: structure, into: &out)
            }
        case let v?:
            appendOne(v, ext, type: type, structure: structure, into: &out)
        }
    }

    private func appendOne(_ value: JSON, _ ext: JSON?, type: String, structure: String?, into out: inout Collection) {
        if value.isNull && ext == nil { return }
        if type == "Resource", let r = FHIRPathElement(resource: value) {
            out.append(.element(r))
            return
        }
        out.append(.element(FHIRPathElement(value: value, primitiveExtension: ext, type: type, structure: structure)))
    }

    private func appendUntyped(_ value: JSON, into out: inout Collection) {
        if case .array(let items) = value {
            for v in items where !v.isNull { out.append(.element(FHIRPathElement(untyped: v))) }
        } else if !value.isNull {
            out.append(.element(FHIRPathElement(untyped: value)))
        }
    }

    /// All children of an item, in document order (`children()`).
    func allChildren(of item: FHIRPathValue, into out: inout Collection) {
        guard case .element(let e) = item else { return }
        guard case .object(let o) = e.value else {
            if let ext = e.primitiveExtension?["extension"] {
                appendChildren(ext, nil, type: "Extension", structure: "Extension", into: &out)
            }
            return
        }
        let elements = e.structure.map { Self.model.elements(of: $0) } ?? [:]
        for m in o where m.key != "resourceType" {
            if m.key.hasPrefix("_") {
                let base = String(m.key.dropFirst())
                if o[base] == nil {
                    if let def = elements[base] { appendChildren(nil, m.value, def, into: &out) }
                }
                continue
            }
            if let def = elements[m.key] {
                appendChildren(m.value, o["_" + m.key], def, into: &out)
            } else {
                appendUntyped(m.value, into: &out)
            }
        }
    }
}
