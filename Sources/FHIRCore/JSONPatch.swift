/// A JSON Patch document (RFC 6902), as used by FHIR's `PATCH` with `application/json-patch+json`.
///
/// Parse it with ``init(_:)`` (a malformed document is `FHIRError(.invalid)`), then ``apply(to:)`` it: operations run
/// in order on a copy, and the first that cannot be applied (a missing path, a failed `test`) stops everything with
/// `FHIRError(.unprocessable)`, so a patch is all or nothing.
public struct JSONPatch: Sendable, Hashable {
    /// One operation of a patch.
    public enum Operation: Sendable, Hashable {
        /// Adds `value` at `path`: a new object member (or replaces an existing one), or an array element inserted at
        /// an index or appended with `-`.
        case add(path: JSONPointer, value: JSON)
        /// Removes the value at `path`, which must exist.
        case remove(path: JSONPointer)
        /// Replaces the value at `path`, which must exist.
        case replace(path: JSONPointer, value: JSON)
        /// Removes the value at `from` and adds it at `path`.
        case move(from: JSONPointer, path: JSONPointer)
        /// Adds a copy of the value at `from` at `path`.
        case copy(from: JSONPointer, path: JSONPointer)
        /// Checks that the value at `path` equals `value` (see ``JSON/isEquivalent(to:)``).
        case test(path: JSONPointer, value: JSON)
    }

    /// The operations, in order.
    public var operations: [Operation]

    /// A patch of these operations.
    public init(operations: [Operation]) {
        self.operations = operations
    }

    /// Reads a JSON Patch document: an array of operation objects with `op`, `path`, and `value` or `from` as the
    /// operation needs. Unknown members of an operation are ignored (RFC 6902 section 4).
    public init(_ document: JSON) throws(FHIRError) {
        guard case .array(let items) = document else {
            throw Self.malformed("a JSON Patch document must be a JSON array of operations, not \(document.kindDescription)")
        }
        var operations: [Operation] = []
        for (k, item) in items.enumerated() {
            let at = "operation \(k)"
            guard case .object(let object) = item else { throw Self.malformed("\(at) must be a JSON object") }
            guard case .string(let op)? = object["op"] else { throw Self.malformed("\(at) has no \"op\" string") }
            let path = try Self.pointer(object["path"], name: "path", at: at)
            func value() throws(FHIRError) -> JSON {
                guard let value = object["value"] else { throw Self.malformed("\(at) (\(op)) has no \"value\"") }
                return value
            }
            switch op {
            case "add": operations.append(.add(path: path, value: try value()))
            case "remove": operations.append(.remove(path: path))
            case "replace": operations.append(.replace(path: path, value: try value()))
            case "move": operations.append(.move(from: try Self.pointer(object["from"], name: "from", at: at), path: path))
            case "copy": operations.append(.copy(from: try Self.pointer(object["from"], name: "from", at: at), path: path))
            case "test": operations.append(.test(path: path, value: try value()))
            default: throw Self.malformed("\(at) has an unknown op \"\(op)\" (add, remove, replace, move, copy or test)")
            }
        }
        self.operations = operations
    }

    /// The document after every operation, or the error of the first that fails (nothing is applied then).
    public func apply(to document: JSON) throws(FHIRError) -> JSON {
        var result = document
        for (k, operation) in operations.enumerated() {
            try Self.apply(operation, to: &result, index: k)
        }
        return result
    }

    // MARK: Operations

    private static func apply(_ operation: Operation, to document: inout JSON, index k: Int) throws(FHIRError) {
        switch operation {
        case .add(let path, let value):
            try add(value, at: path, in: &document, op: k)
        case .remove(let path):
            _ = try remove(at: path, in: &document, op: k)
        case .replace(let path, let value):
            guard path.value(in: document) != nil else {
                throw failure(k, "cannot replace \(show(path)): there is no value there")
            }
            if path.tokens.isEmpty {
                document = value
                return
            }
            try modifyParent(of: path, in: &document, op: k) { (parent: inout JSON, token: String) throws(FHIRError) in
                switch parent {
                case .object(var object):
                    object[token] = value
                    parent = .object(object)
                case .array(var array):
                    guard let i = JSONPointer.arrayIndex(token), i < array.count else {
                        throw failure(k, "cannot replace \(show(path)): no such array element")
                    }
                    array[i] = value
                    parent = .array(array)
                default:
                    throw failure(k, "cannot replace \(show(path)): its parent is not an object or array")
                }
            }
        case .move(let from, let path):
            if from == path { return }
            if path.isInside(from) {
                throw failure(k, "cannot move \(show(from)) into itself (\(show(path)))")
            }
            let value = try remove(at: from, in: &document, op: k)
            try add(value, at: path, in: &document, op: k)
        case .copy(let from, let path):
            guard let value = from.value(in: document) else {
                throw failure(k, "cannot copy \(show(from)): there is no value there")
            }
            try add(value, at: path, in: &document, op: k)
        case .test(let path, let expected):
            guard let actual = path.value(in: document) else {
                throw failure(k, "test failed: there is no value at \(show(path))")
            }
            guard actual.isEquivalent(to: expected) else {
                throw failure(k, "test failed: the value at \(show(path)) is \(brief(actual)), not \(brief(expected))")
            }
        }
    }

    private static func add(_ value: JSON, at path: JSONPointer, in document: inout JSON, op k: Int) throws(FHIRError) {
        if path.tokens.isEmpty {
            document = value
            return
        }
        try modifyParent(of: path, in: &document, op: k) { (parent: inout JSON, token: String) throws(FHIRError) in
            switch parent {
            case .object(var object):
                object[token] = value
                parent = .object(object)
            case .array(var array):
                if token == "-" {
                    array.append(value)
                } else {
                    guard let i = JSONPointer.arrayIndex(token), i <= array.count else {
                        throw failure(k, "cannot add at \(show(path)): '\(token)' is not an index from 0 to \(array.count) or '-'")
                    }
                    array.insert(value, at: i)
                }
                parent = .array(array)
            default:
                throw failure(k, "cannot add at \(show(path)): its parent is not an object or array")
            }
        }
    }

    /// Removes and returns the value at `path`.
    private static func remove(at path: JSONPointer, in document: inout JSON, op k: Int) throws(FHIRError) -> JSON {
        guard !path.tokens.isEmpty else { throw failure(k, "cannot remove the whole document") }
        guard let removed = path.value(in: document) else {
            throw failure(k, "cannot remove \(show(path)): there is no value there")
        }
        try modifyParent(of: path, in: &document, op: k) { (parent: inout JSON, token: String) throws(FHIRError) in
            switch parent {
            case .object(var object):
                object[token] = nil
                parent = .object(object)
            case .array(var array):
                guard let i = JSONPointer.arrayIndex(token), i < array.count else {
                    throw failure(k, "cannot remove \(show(path)): no such array element")
                }
                array.remove(at: i)
                parent = .array(array)
            default:
                throw failure(k, "cannot remove \(show(path)): its parent is not an object or array")
            }
        }
        return removed
    }

    /// Runs `body` on the container holding the last token of `path` (which must exist), writing it back.
    private static func modifyParent(
        of path: JSONPointer, in document: inout JSON, op k: Int,
        _ body: (inout JSON, String) throws(FHIRError) -> Void
    ) throws(FHIRError) {
        try modify(&document, tokens: path.tokens[...], path: path, op: k, body)
    }

    private static func modify(
        _ node: inout JSON, tokens: ArraySlice<String>, path: JSONPointer, op k: Int,
        _ body: (inout JSON, String) throws(FHIRError) -> Void
    ) throws(FHIRError) {
        guard let token = tokens.first else { return }
        if tokens.count == 1 {
            try body(&node, token)
            return
        }
        let rest = tokens.dropFirst()
        let prefix = JSONPointer(tokens: Array(path.tokens.prefix(path.tokens.count - rest.count)))
        switch node {
        case .object(var object):
            guard var child = object[token] else {
                throw failure(k, "the path \(show(prefix)) does not exist (missing objects are not created)")
            }
            object[token] = .null  // drop the second reference so the child is modified in place
            try modify(&child, tokens: rest, path: path, op: k, body)
            object[token] = child
            node = .object(object)
        case .array(var array):
            guard let i = JSONPointer.arrayIndex(token), i < array.count else {
                throw failure(k, "the path \(show(prefix)) does not exist")
            }
            var child = array[i]
            array[i] = .null
            try modify(&child, tokens: rest, path: path, op: k, body)
            array[i] = child
            node = .array(array)
        default:
            throw failure(k, "the path \(show(prefix)) does not exist (its parent is not an object or array)")
        }
    }

    // MARK: Errors

    private static func malformed(_ message: String) -> FHIRError {
        FHIRError(.invalid, "Invalid JSON Patch: \(message)", issueType: "invalid")
    }

    private static func failure(_ k: Int, _ message: String) -> FHIRError {
        FHIRError(.unprocessable, "JSON Patch operation \(k) failed: \(message)", issueType: "processing")
    }

    private static func pointer(_ value: JSON?, name: String, at: String) throws(FHIRError) -> JSONPointer {
        guard case .string(let text)? = value else { throw malformed("\(at) has no \"\(name)\" string") }
        return try JSONPointer(text)
    }

    private static func show(_ pointer: JSONPointer) -> String {
        pointer.tokens.isEmpty ? "the document root" : "'\(pointer)'"
    }

    private static func brief(_ value: JSON) -> String {
        let text = value.jsonString
        return text.count > 80 ? String(text.prefix(77)) + "..." : text
    }
}
