import FHIRCore
import Store

/// Derives what the store keeps beside a resource version: its patient key (from the R4 Patient compartment) and
/// its token index entries (every R4 token search parameter of its type).
///
/// The full `IndexBuilder` of every parameter type (string, date, quantity, reference, ...) comes with the search
/// issue; tokens are what conditional interactions and conditional references need now.
struct ResourceIndexer: Sendable {
    /// The patient whose record `resource` belongs to (`""` for shared resources). Depends on the resource's
    /// Patient references, so it is computed after a transaction has rewritten them.
    func patientKey(_ resource: JSON, type: String) -> String {
        if type == "Patient" { return resource["id"]?.stringValue ?? "" }
        return PatientCompartment.patientIDs(of: resource).first ?? ""
    }

    /// The token entries of `resource`. They never depend on reference strings, so a transaction computes them
    /// before its store transaction starts, off the single writer.
    func tokens(_ resource: JSON, type: String) -> [IndexEntry] {
        var entries: [IndexEntry] = []
        for parameter in Self.tokenParameters(type) {
            for value in parameter.path.evaluate(resource) {
                Self.tokens(of: value, param: parameter.code, into: &entries)
            }
        }
        if entries.count > 1 { entries = Array(Set(entries)) }
        return entries
    }

    /// A token search parameter with its compiled path.
    struct TokenParameter: Sendable {
        var code: String
        var path: SimplePath
    }

    private static let byType: [String: [TokenParameter]] = {
        var result: [String: [TokenParameter]] = [:]
        for type in R4.resourceTypes {
            result[type] = R4.searchParameters.parameters(for: type).compactMap { p in
                guard p.type == .token, !p.code.hasPrefix("_"), let expression = p.expression(for: type),
                      let path = try? SimplePath(expression) else { return nil }
                return TokenParameter(code: p.code, path: path)
            }
        }
        return result
    }()

    static func tokenParameters(_ type: String) -> [TokenParameter] { byType[type] ?? [] }

    /// ContactPoint.system codes: a `value` object with one of these is a ContactPoint, not an Identifier.
    private static let contactSystems: Set<String> = ["phone", "fax", "email", "pager", "url", "sms", "other"]

    /// The token entries of one value, by its shape: CodeableConcept, Coding, Identifier, ContactPoint, or a primitive.
    static func tokens(of value: JSON, param: String, into entries: inout [IndexEntry]) {
        switch value {
        case .string(let s):
            entries.append(.token(param: param, system: nil, code: s))
        case .bool(let b):
            entries.append(.token(param: param, system: nil, code: b ? "true" : "false"))
        case .object(let o):
            if case .array(let codings)? = o["coding"] {
                for c in codings { tokens(of: c, param: param, into: &entries) }
            } else if let code = o["code"]?.stringValue {
                entries.append(.token(param: param, system: o["system"]?.stringValue, code: code))
            } else if let v = o["value"]?.stringValue {
                let system = o["system"]?.stringValue
                if let system, contactSystems.contains(system) {
                    entries.append(.token(param: param, system: nil, code: v))
                } else {
                    entries.append(.token(param: param, system: system, code: v))
                }
            }
        default:
            break
        }
    }
}
