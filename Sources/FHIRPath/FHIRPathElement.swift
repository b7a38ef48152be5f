#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import FHIRCore

/// A node of a FHIR resource as FHIRPath sees it: its JSON value, the primitive extension sibling (`_birthDate`)
/// and its FHIR type from the R4 model.
public struct FHIRPathElement: Sendable, Hashable {
    /// The JSON value; `.null` for a primitive that only has extensions.
    public let value: JSON
    /// The `_name` sibling of a primitive (its `id` and `extension`), if any.
    public let primitiveExtension: JSON?
    /// The FHIR type name (`code`, `HumanName`, `Patient`, `BackboneElement`).
    public let type: String
    /// Where the children are described in the model (a type name or a backbone path); nil for primitives.
    let structure: String?
    /// Whether this is a resource (so that its type name can start a path: `Patient.name`).
    let isResource: Bool

    init(value: JSON, primitiveExtension: JSON? = nil, type: String, structure: String?) {
        self.value = value
        self.primitiveExtension = primitiveExtension
        self.type = type
        self.structure = structure
        self.isResource = false
    }

    /// A resource (its type read from `resourceType`).
    init?(resource: JSON) {
        guard let type = resource["resourceType"]?.stringValue else { return nil }
        self.value = resource
        self.primitiveExtension = nil
        self.type = type
        self.structure = type
        self.isResource = true
    }

    /// An element whose type is not in the model, typed from its JSON form.
    init(untyped json: JSON) {
        switch json {
        case .bool: self.init(value: json, type: "boolean", structure: nil)
        case .number(let n): self.init(value: json, type: n.contains(where: { ".eE".contains($0) }) ? "decimal" : "integer", structure: nil)
        case .string: self.init(value: json, type: "string", structure: nil)
        case .object:
            if let r = FHIRPathElement(resource: json) { self = r } else { self.init(value: json, type: "Element", structure: nil) }
        default: self.init(value: json, type: "Element", structure: nil)
        }
    }

    /// Whether the element is a FHIR primitive (its JSON form is a string, number or boolean).
    public var isPrimitive: Bool {
        switch value {
        case .object, .array: false
        case .null: structure == nil && primitiveExtension != nil
        default: true
        }
    }

    /// The element as a System value (Boolean, String, Integer, Decimal, Date, DateTime, Time, Quantity), nil when
    /// it has no such form.
    public var primitiveValue: FHIRPathValue? {
        switch value {
        case .bool(let b): return .boolean(b)
        case .number(let n):
            if type == "decimal" || n.contains(where: { ".eE".contains($0) }) {
                return FHIRPathDecimal(n).map(FHIRPathValue.decimal)
            }
            return Int(n).map(FHIRPathValue.integer) ?? FHIRPathDecimal(n).map(FHIRPathValue.decimal)
        case .string(let s):
            switch type {
            case "date": return FHIRPathTemporal(s, kind: .date).map(FHIRPathValue.date) ?? .string(s)
            case "dateTime", "instant": return FHIRPathTemporal(s, kind: .dateTime).map(FHIRPathValue.dateTime) ?? .string(s)
            case "time": return FHIRPathTemporal(s, kind: .time).map(FHIRPathValue.time) ?? .string(s)
            case "decimal": return FHIRPathDecimal(s).map(FHIRPathValue.decimal) ?? .string(s)
            case "integer", "positiveInt", "unsignedInt": return Int(s).map(FHIRPathValue.integer) ?? .string(s)
            default: return .string(s)
            }
        case .object(let o):
            guard R4.model.isType(type, derivedFrom: "Quantity"), let v = o["value"].flatMap(Self.decimal) else { return nil }
            let unit = o["code"]?.stringValue ?? o["unit"]?.stringValue ?? "1"
            return .quantity(FHIRPathQuantity(value: v, unit: unit))
        default: return nil
        }
    }

    static func decimal(_ json: JSON) -> Decimal? {
        switch json {
        case .number(let n): Decimal(string: n)
        case .string(let s): Decimal(string: s)
        default: nil
        }
    }
}
