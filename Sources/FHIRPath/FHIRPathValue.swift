#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import FHIRCore

/// One item of a FHIRPath collection: a System value or an element of a FHIR resource with its FHIR type.
public enum FHIRPathValue: Sendable, Hashable, CustomStringConvertible {
    /// System.Boolean.
    case boolean(Bool)
    /// System.Integer.
    case integer(Int)
    /// System.Decimal, with its written scale.
    case decimal(FHIRPathDecimal)
    /// System.String.
    case string(String)
    /// System.Date (partial precision).
    case date(FHIRPathTemporal)
    /// System.DateTime (partial precision, optional time zone).
    case dateTime(FHIRPathTemporal)
    /// System.Time.
    case time(FHIRPathTemporal)
    /// System.Quantity.
    case quantity(FHIRPathQuantity)
    /// A node of the resource tree (a resource, a datatype, a backbone element or a FHIR primitive).
    case element(FHIRPathElement)

    /// The value as a System value: FHIR primitives become Boolean, String, Integer, Decimal, Date, DateTime or
    /// Time, FHIR Quantities become Quantity; other elements stay as they are. Nil for a primitive without a value.
    public var systemValue: FHIRPathValue? {
        guard case .element(let e) = self else { return self }
        return e.primitiveValue ?? (e.isPrimitive ? nil : self)
    }

    /// The System or FHIR type name of the item (`Integer`, `String`, `code`, `HumanName`).
    public var typeName: String {
        switch self {
        case .boolean: "Boolean"
        case .integer: "Integer"
        case .decimal: "Decimal"
        case .string: "String"
        case .date: "Date"
        case .dateTime: "DateTime"
        case .time: "Time"
        case .quantity: "Quantity"
        case .element(let e): e.type
        }
    }

    /// The namespace of ``typeName``: `System` or `FHIR`.
    public var typeNamespace: String {
        if case .element = self { return "FHIR" }
        return "System"
    }

    /// A text form of the value (strings unquoted, dates without `@`); JSON text for complex elements.
    public var description: String {
        switch self {
        case .boolean(let b): return b ? "true" : "false"
        case .integer(let i): return String(i)
        case .decimal(let d): return d.description
        case .string(let s): return s
        case .date(let t), .dateTime(let t), .time(let t): return t.description
        case .quantity(let q): return q.description
        case .element(let e):
            if let p = e.primitiveValue { return p.description }
            return e.value.jsonString
        }
    }

    /// The item as JSON (a primitive's JSON value, a complex element's object).
    public var json: JSON {
        switch self {
        case .boolean(let b): return .bool(b)
        case .integer(let i): return .number(String(i))
        case .decimal(let d): return .number(d.description)
        case .string(let s): return .string(s)
        case .date(let t), .dateTime(let t), .time(let t): return .string(t.description)
        case .quantity(let q): return .object(["value": .number(q.value.description), "unit": .string(q.unit)])
        case .element(let e): return e.value
        }
    }
}
