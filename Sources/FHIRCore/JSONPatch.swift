/// A JSON Patch document (RFC 6902) over ``JSON``, for the FHIR `PATCH` interaction
/// (`Content-Type: application/json-patch+json`).
///
/// Operations are checked when the document is parsed (`.invalid`, 400) and applied all-or-nothing: a failed
/// `test`, a missing path or an out-of-range index is `.unprocessable` (422) and leaves the input untouched.
public struct JSONPatch: Sendable, Hashable {
    /// One patch operation.
    public enum Operation: Sendable, Hashable {
        case add(path: JSONPointer, value: JSON)
        case remove(path: JSONPointer)
        case replace(path: JSONPointer, value: JSON)
        case move(from: JSONPointer, path: JSONPointer)
        case copy(from: JSONPointer, path: JSONPointer)
        case test(path: JSONPointer, value: JSON)
    }

    /// The operations, applied in order.
    public var operations: [Operation]

    public init(operations: [Operation]) { self.operations = operations }

    /// Parses a JSON Patch document: an array of operation objects.
    public init(_ document: JSON) throws(FHIRError) {
        guard case .array(let items) = document else {
            throw FHIRError(.invalid, "A JSON Patch document must be an array of operations", issueType: "structure")
        }
        var ops: [Operation] = []
        for (i, item) in items.enumerated() {
            guard case .object(let o) = item else {
                throw FHIRError(.invalid, "Patch operation \(i) is not an object", issueType: "structure")
            }
            func pointer(_ key: String) throws(FHIRError) -> JSONPointer {
                guard let text = o[key]?.stringValue else {
                    throw FHIRError(.invalid, "Patch operation \(i) needs a string '\(key)'", issueType: "required")
                }
                return try JSONPointer(text)
            }
            func value() throws(FHIRError) -> JSON {
                guard let v = o["value"] else {
                    throw FHIRError(.invalid, "Patch operation \(i) needs a 'value'", issueType: "required")
                }
                return v
            }
            switch o["op"]?.stringValue {
            case "add": ops.append(.add(path: try pointer("path"), value: try value()))
            case "remove": ops.append(.remove(path: try pointer("path")))
            case "replace": ops.append(.replace(path: try pointer("path"), value: try value()))
            case "move": ops.append(.move(from: try pointer("from"), path: try pointer("path")))
            case "copy": ops.append(.copy(from: try pointer("from"), path: try pointer("path")))
            case "test": ops.append(.test(path: try pointer("path"), value: try value()))
            case let other:
                throw FHIRError(.invalid, "Patch operation \(i) has an unknown op \(other.map { "'\($0)'" } ?? "(none)")", issueType: "value")
            }
        }
        operations = ops
    }

    /// Applies the operations in order to `document` and returns the result.
    public func apply(to document: JSON) throws(FHIRError) -> JSON {
        var doc = document
        for op in operations {
            switch op {
            case .add(let path, let value):
                try Self.add(&doc, path.tokens[...], value, pointer: path)
            case .remove(let path):
                _ = try Self.remove(&doc, path.tokens[...], pointer: path)
            case .replace(let path, let value):
                _ = try Self.get(doc, path)
                _ = try Self.remove(&doc, path.tokens[...], pointer: path)
                try Self.add(&doc, path.tokens[...], value, pointer: path)
            case .move(let from, let path):
                if path.tokens.starts(with: from.tokens), path.tokens.count > from.tokens.count {
                    throw FHIRError(.unprocessable, "Cannot move \(from) into its own child \(path)", issueType: "processing")
                }
                let value = try Self.remove(&doc, from.tokens[...], pointer: from)
                try Self.add(&doc, path.tokens[...], value, pointer: path)
            case .copy(let from, let path):
                try Self.add(&doc, path.tokens[...], try Self.get(doc, from), pointer: path)
            case .test(let path, let value):
                guard try Self.get(doc, path) == value else {
                    throw FHIRError(.unprocessable, "Patch test failed: the value at \(path) differs", issueType: "processing")
                }
            }
        }
        return doc
    }

    static func missing(_ pointer: JSONPointer) -> FHIRError {
        FHIRError(.unprocessable, "Patch path \(pointer) does not exist", issueType: "processing")
    }

    static func get(_ doc: JSON, _ pointer: JSONPointer) throws(FHIRError) -> JSON {
        var current = doc
        for token in pointer.tokens {
            switch current {
            case .object(let o):
                guard let next = o[token] else { throw missing(pointer) }
                current = next
            case .array(let a):
                guard let i = JSONPointer.index(token), a.indices.contains(i) else { throw missing(pointer) }
                current = a[i]
            default:
                throw missing(pointer)
            }
        }
        return current
    }

    static func add(_ doc: inout JSON, _ tokens: ArraySlice<String>, _ value: JSON, pointer: JSONPointer) throws(FHIRError) {
        guard let token = tokens.first else { doc = value; return }
        let rest = tokens.dropFirst()
        switch doc {
        case .object(var o):
            if rest.isEmpty {
                o[token] = value
            } else {
                guard var child = o[token] else { throw missing(pointer) }
                try add(&child, rest, value, pointer: pointer)
                o[token] = child
            }
            doc = .object(o)
        case .array(var a):
            if rest.isEmpty {
                if token == "-" { a.append(value) } else {
                    guard let i = JSONPointer.index(token), i <= a.count else { throw missing(pointer) }
                    a.insert(value, at: i)
                }
            } else {
                guard let i = JSONPointer.index(token), a.indices.contains(i) else { throw missing(pointer) }
                try add(&a[i], rest, value, pointer: pointer)
            }
            doc = .array(a)
        default:
            throw missing(pointer)
        }
    }

    static func remove(_ doc: inout JSON, _ tokens: ArraySlice<String>, pointer: JSONPointer) throws(FHIRError) -> JSON {
        guard let token = tokens.first else {
            throw FHIRError(.unprocessable, "Cannot remove the whole document", issueType: "processing")
        }
        let rest = tokens.dropFirst()
        switch doc {
        case .object(var o):
            guard var child = o[token] else { throw missing(pointer) }
            let removed: JSON
            if rest.isEmpty { removed = child; o[token] = nil } else {
                removed = try remove(&child, rest, pointer: pointer)
                o[token] = child
            }
            doc = .object(o)
            return removed
        case .array(var a):
            guard let i = JSONPointer.index(token), a.indices.contains(i) else { throw missing(pointer) }
            let removed: JSON
            if rest.isEmpty { removed = a.remove(at: i) } else { removed = try remove(&a[i], rest, pointer: pointer) }
            doc = .array(a)
            return removed
        default:
            throw missing(pointer)
        }
    }
}

/// A JSON Pointer (RFC 6901): `/name/0/given`, with `~1` for `/` and `~0` for `~`.
public struct JSONPointer: Sendable, Hashable, CustomStringConvertible {
    /// The unescaped reference tokens.
    public let tokens: [String]
    public let description: String

    public init(_ text: String) throws(FHIRError) {
        guard text.isEmpty || text.hasPrefix("/") else {
            throw FHIRError(.invalid, "'\(text)' is not a JSON Pointer (it must start with '/')", issueType: "value")
        }
        description = text
        tokens = text.isEmpty ? [] : text.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }

    /// An array index token: digits only, no leading zero (RFC 6901).
    static func index(_ token: String) -> Int? {
        guard !token.isEmpty, token.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), token == "0" || !token.hasPrefix("0") else { return nil }
        return Int(token)
    }
}

import Foundation
