#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import FHIRCore

extension FHIRPathEvaluator {
    /// Evaluates an argument that is not an iteration expression (relative to the enclosing `$this`).
    func argument(_ args: [FHIRPathSyntax], _ i: Int, _ scope: Scope) throws(FHIRError) -> Collection {
        try eval(args[i], scope.this, scope)
    }

    /// Evaluates `expression` for each item of `focus` with `$this` and `$index` set.
    func each(_ focus: Collection, _ expression: FHIRPathSyntax, _ scope: Scope, _ body: (Int, FHIRPathValue, Collection) throws(FHIRError) -> Bool) throws(FHIRError) {
        for (i, item) in focus.enumerated() {
            let one = [item]
            let result = try eval(expression, one, Scope(this: one, index: i, total: scope.total))
            if try !body(i, item, result) { return }
        }
    }

    func call(_ f: FHIRPathFunction, _ args: [FHIRPathSyntax], _ focus: Collection, _ scope: Scope) throws(FHIRError) -> Collection {
        switch f {
        // MARK: Existence
        case .empty:
            return [.boolean(focus.isEmpty)]
        case .exists:
            if args.isEmpty { return [.boolean(!focus.isEmpty)] }
            var found = false
            try each(focus, args[0], scope) { _, _, r throws(FHIRError) in
                if try boolean(r, "exists") == true { found = true; return false }
                return true
            }
            return [.boolean(found)]
        case .all:
            var all = true
            try each(focus, args[0], scope) { _, _, r throws(FHIRError) in
                if try boolean(r, "all") != true { all = false; return false }
                return true
            }
            return [.boolean(all)]
        case .allTrue, .anyTrue, .allFalse, .anyFalse:
            var bools: [Bool] = []
            for v in focus {
                guard case .boolean(let b) = v.systemValue else { throw Self.error("\(f.rawValue)() needs booleans") }
                bools.append(b)
            }
            switch f {
            case .allTrue: return [.boolean(bools.allSatisfy { $0 })]
            case .anyTrue: return [.boolean(bools.contains(true))]
            case .allFalse: return [.boolean(bools.allSatisfy { !$0 })]
            default: return [.boolean(bools.contains(false))]
            }
        case .subsetOf, .supersetOf:
            let other = try argument(args, 0, scope)
            let (small, big) = f == .subsetOf ? (focus, other) : (other, focus)
            return [.boolean(small.allSatisfy { x in big.contains { Self.equal(x, $0) == true } })]
        case .count:
            return [.integer(focus.count)]
        case .distinct:
            var out: Collection = []
            appendDistinct(focus, to: &out)
            return out
        case .isDistinct:
            var out: Collection = []
            appendDistinct(focus, to: &out)
            return [.boolean(out.count == focus.count)]

        // MARK: Filtering
        case .where:
            var out: Collection = []
            try each(focus, args[0], scope) { _, item, r throws(FHIRError) in
                if try boolean(r, "where") == true { out.append(item) }
                return true
            }
            return out
        case .select:
            var out: Collection = []
            try each(focus, args[0], scope) { _, _, r in
                out.append(contentsOf: r)
                return true
            }
            return out
        case .repeat:
            var out: Collection = []
            var queue = focus
            while !queue.isEmpty {
                var next: Collection = []
                try each(queue, args[0], scope) { _, _, r in
                    for v in r where !out.contains(where: { Self.equal($0, v) == true }) {
                        out.append(v)
                        next.append(v)
                    }
                    return true
                }
                queue = next
            }
            return out
        case .ofType, .is, .as:
            throw Self.error("\(f.rawValue)() needs a type")

        // MARK: Subsetting
        case .single:
            guard focus.count <= 1 else { throw Self.error("single() on \(focus.count) items") }
            return focus
        case .first:
            return focus.first.map { [$0] } ?? []
        case .last:
            return focus.last.map { [$0] } ?? []
        case .tail:
            return Array(focus.dropFirst())
        case .skip:
            guard let n = try integer(try argument(args, 0, scope), "skip") else { return [] }
            return Array(focus.dropFirst(max(0, n)))
        case .take:
            guard let n = try integer(try argument(args, 0, scope), "take") else { return [] }
            return Array(focus.prefix(max(0, n)))
        case .intersect:
            let other = try argument(args, 0, scope)
            var out: Collection = []
            for v in focus where other.contains(where: { Self.equal($0, v) == true }) && !out.contains(where: { Self.equal($0, v) == true }) {
                out.append(v)
            }
            return out
        case .exclude:
            let other = try argument(args, 0, scope)
            return focus.filter { v in !other.contains { Self.equal($0, v) == true } }
        case .union:
            var out: Collection = []
            appendDistinct(focus, to: &out)
            appendDistinct(try argument(args, 0, scope), to: &out)
            return out
        case .join:
            let separator = args.isEmpty ? "" : (try string(try argument(args, 0, scope), "join") ?? "")
            var parts: [String] = []
            for v in focus {
                guard case .string(let s) = v.systemValue else { throw Self.error("join() needs strings") }
                parts.append(s)
            }
            return [.string(parts.joined(separator: separator))]
        case .combine:
            return focus + (try argument(args, 0, scope))

        // MARK: Utility
        case .iif:
            guard focus.count <= 1 else { throw Self.error("iif() on \(focus.count) items") }
            let inner = Scope(this: focus.isEmpty ? scope.this : focus, index: scope.index, total: scope.total)
            let criterion = try eval(args[0], inner.this, inner)
            if criterion.count > 1 { throw Self.error("iif() criterion must be a single boolean") }
            if let c = criterion.first {
                guard case .boolean(let b) = c.systemValue else { throw Self.error("iif() criterion must be a boolean") }
                if b { return try eval(args[1], inner.this, inner) }
            }
            return args.count > 2 ? try eval(args[2], inner.this, inner) : []
        case .not:
            guard let b = try boolean(focus, "not") else { return [] }
            return [.boolean(!b)]
        case .trace:
            return focus
        case .now:
            return [.dateTime(Self.now(kind: .dateTime))]
        case .today:
            var t = Self.now(kind: .date)
            t.precision = .day
            return [.date(t)]
        case .timeOfDay:
            var t = Self.now(kind: .time)
            t.offsetMinutes = nil
            return [.time(t)]
        case .aggregate:
            var total: Collection = args.count > 1 ? try argument(args, 1, scope) : []
            for (i, item) in focus.enumerated() {
                let one = [item]
                total = try eval(args[0], one, Scope(this: one, index: i, total: total))
            }
            return total
        case .sort:
            return try sort(focus, args, scope)
        case .type:
            return focus.map { v in
                .element(FHIRPathElement(value: .object(["namespace": .string(v.typeNamespace), "name": .string(v.typeName)]),
                                         type: "TypeInfo", structure: nil))
            }

        // MARK: Tree
        case .children:
            var out: Collection = []
            for v in focus { allChildren(of: v, into: &out) }
            return out
        case .descendants:
            var out: Collection = []
            var queue = focus
            while !queue.isEmpty {
                var next: Collection = []
                for v in queue { allChildren(of: v, into: &next) }
                out.append(contentsOf: next)
                queue = next
            }
            return out

        // MARK: FHIR
        case .resolve:
            var out: Collection = []
            for v in focus { if let r = resolve(v) { out.append(r) } }
            return out
        case .extension:
            guard let url = try string(try argument(args, 0, scope), "extension") else { return [] }
            var out: Collection = []
            for v in focus {
                var exts: Collection = []
                children(of: v, named: "extension", into: &exts)
                for e in exts {
                    if case .element(let x) = e, x.value["url"]?.stringValue == url { out.append(e) }
                }
            }
            return out
        case .hasValue:
            guard focus.count == 1, case .element(let e) = focus[0] else { return [.boolean(false)] }
            return [.boolean(e.isPrimitive && !e.value.isNull)]
        case .getValue:
            guard focus.count == 1, case .element(let e) = focus[0], e.isPrimitive, let v = e.primitiveValue else { return [] }
            return [v]
        case .memberOf:
            return []
        case .htmlChecks:
            return [.boolean(true)]
        case .conformsTo:
            guard let url = try string(try argument(args, 0, scope), "conformsTo") else { return [] }
            let prefix = "http://hl7.org/fhir/StructureDefinition/"
            guard url.hasPrefix(prefix) else { throw Self.error("conformsTo: unknown profile \(url)") }
            let name = String(url.dropFirst(prefix.count))
            return focus.map { v in .boolean(v.typeName == name || (try? matches(v, FHIRPathTypeSpecifier(namespace: "FHIR", name: name))) == true) }

        default:
            return try callValueFunction(f, args, focus, scope)
        }
    }

    static func now(kind: FHIRPathTemporal.Kind) -> FHIRPathTemporal {
        let ms = Int((Date().timeIntervalSince1970 * 1000).rounded(.down))
        var t = FHIRPathTemporal(kind: kind, precision: kind == .date ? .day : .millisecond)
        t.setLocalMilliseconds(ms)
        t.fractionDigits = 3
        if kind == .dateTime { t.offsetMinutes = 0 }
        return t
    }

    private func sort(_ focus: Collection, _ args: [FHIRPathSyntax], _ scope: Scope) throws(FHIRError) -> Collection {
        var keyed: [(FHIRPathValue, [FHIRPathValue?])] = []
        var descending: [Bool] = []
        var keys: [FHIRPathSyntax] = []
        for a in args {
            if case .negate(let inner) = a { keys.append(inner); descending.append(true) } else { keys.append(a); descending.append(false) }
        }
        for (i, item) in focus.enumerated() {
            var values: [FHIRPathValue?] = []
            if keys.isEmpty { values.append(item) }
            for k in keys {
                let one = [item]
                values.append(try eval(k, one, Scope(this: one, index: i, total: scope.total)).first)
            }
            keyed.append((item, values))
        }
        if descending.isEmpty { descending = [false] }
        var failure: FHIRError?
        keyed.sort { l, r in
            for (k, desc) in descending.enumerated() {
                guard let a = l.1[k], let b = r.1[k] else {
                    if l.1[k] == nil && r.1[k] != nil { return true }
                    if l.1[k] != nil && r.1[k] == nil { return false }
                    continue
                }
                switch Result(catching: { () throws(FHIRError) -> Int? in try Self.compare(a, b) }) {
                case .success(let c?) where c != 0: return desc ? c > 0 : c < 0
                case .failure(let e): failure = e
                default: break
                }
            }
            return false
        }
        if let failure { throw failure }
        return keyed.map(\.0)
    }

    /// Resolves a reference (a Reference element or a reference string) in the resource, its contained
    /// resources or its Bundle; an unresolvable `Type/id` reference becomes a stub of that type (for `is`).
    func resolve(_ v: FHIRPathValue) -> FHIRPathValue? {
        let reference: String
        switch v {
        case .string(let s): reference = s
        case .element(let e):
            if let s = e.value.stringValue { reference = s } else if let s = e.value["reference"]?.stringValue { reference = s } else { return nil }
        default: return nil
        }
        let root = rootResource ?? context.json
        if reference.hasPrefix("#") {
            let id = String(reference.dropFirst())
            if id.isEmpty { return FHIRPathElement(resource: root).map { .element($0) } }
            for c in root["contained"]?.arrayValue ?? [] where c["id"]?.stringValue == id {
                return FHIRPathElement(resource: c).map { .element($0) }
            }
            return nil
        }
        if root["resourceType"]?.stringValue == "Bundle" {
            for entry in root["entry"]?.arrayValue ?? [] {
                guard let r = entry["resource"] else { continue }
                let local = (r["resourceType"]?.stringValue ?? "") + "/" + (r["id"]?.stringValue ?? "")
                if entry["fullUrl"]?.stringValue == reference || reference == local || reference.hasSuffix("/" + local) {
                    return FHIRPathElement(resource: r).map { .element($0) }
                }
            }
        }
        var parts = reference.split(separator: "/").map(String.init)
        if parts.count >= 4, parts[parts.count - 2] == "_history" { parts.removeLast(2) }
        guard parts.count >= 2, R4.resourceTypes.contains(parts[parts.count - 2]) else { return nil }
        let stub: JSON = .object(["resourceType": .string(parts[parts.count - 2]), "id": .string(parts[parts.count - 1])])
        return FHIRPathElement(resource: stub).map { .element($0) }
    }

    // MARK: - Types

    private static let systemTypes: Set<String> = ["Boolean", "String", "Integer", "Decimal", "Date", "DateTime", "Time", "Quantity"]

    /// Whether an item is of the named type (or derives from it).
    func matches(_ v: FHIRPathValue, _ type: FHIRPathTypeSpecifier, exact: Bool = false) throws(FHIRError) -> Bool {
        let ns = type.namespace
        if ns != nil, ns != "System", ns != "FHIR" { throw Self.error("unknown type namespace \(ns!)") }
        if case .element(let e) = v {
            guard ns != "System" else { return false }
            guard isKnownFHIRType(type.name) else {
                if ns == nil, Self.systemTypes.contains(type.name) { return false }
                throw Self.error("unknown type \(type)")
            }
            // `as`/`ofType` do not treat a FHIR primitive as its parent primitive (`code` is not a `string` there).
            if exact, e.structure == nil, e.type != type.name, e.type != "Element" { return false }
            return Self.model.isType(e.type, derivedFrom: type.name)
        }
        guard ns != "FHIR" else { return false }
        if ns == nil, !Self.systemTypes.contains(type.name), !isKnownFHIRType(type.name) {
            throw Self.error("unknown type \(type)")
        }
        return v.typeName == type.name
    }

    func isKnownFHIRType(_ name: String) -> Bool {
        Self.model.parentType(of: name) != nil || ["Element", "Resource", "Base", "BackboneElement"].contains(name)
    }

    func typeFunction(_ f: FHIRPathFunction, _ type: FHIRPathTypeSpecifier, _ focus: Collection) throws(FHIRError) -> Collection {
        switch f {
        case .ofType:
            var out: Collection = []
            for v in focus where try matches(v, type, exact: true) { out.append(v) }
            return out
        case .is:
            guard let v = try singleton(focus, "is") else { return [] }
            return [.boolean(try matches(v, type))]
        default:
            guard let v = try singleton(focus, "as") else { return [] }
            return try matches(v, type, exact: true) ? [v] : []
        }
    }
}
