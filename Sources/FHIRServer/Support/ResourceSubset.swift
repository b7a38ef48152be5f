import FHIRCore
import Foundation

/// `_summary` and `_elements`: the parts of a resource a search returns when the client asks for less.
///
/// R4's `_summary=true` keeps the elements its base definitions mark as summary. Those flags are not part of the
/// definitions this server ships, so the summary is derived from what it does ship: the elements some search
/// parameter of the type reads (what lists and pickers show) and the mandatory elements, plus `id`, `meta`,
/// `implicitRules` and `modifierExtension` (which must never be dropped silently). Every subset is tagged
/// `SUBSETTED` (http://terminology.hl7.org/CodeSystem/v3-ObservationValue) as the specification requires.
struct ResourceSubset: Sendable {
    enum Mode: Sendable, Hashable {
        /// `_summary=true`.
        case summary
        /// `_summary=text`: text, id, meta and the mandatory elements.
        case text
        /// `_summary=data`: everything but the narrative.
        case data
        /// `_elements=a,b`: these top-level elements (plus id and meta).
        case elements(Set<String>)
    }

    let mode: Mode

    /// The subset of `resource` (a JSON object with `resourceType`).
    func apply(to resource: JSON, registry: SearchParameterRegistry) -> JSON {
        guard case .object(let object) = resource, let type = object["resourceType"]?.stringValue else { return resource }
        let keep: (String) -> Bool
        switch mode {
        case .data:
            keep = { $0 != "text" }
        case .text:
            let required = Set(R4.model.requiredElements(of: type))
            keep = { $0 == "text" || Self.always.contains($0) || Self.matches($0, required) }
        case .summary:
            let names = Self.summaryElements(of: type, registry: registry)
            keep = { Self.always.contains($0) || Self.matches($0, names) }
        case .elements(let names):
            keep = { Self.always.contains($0) || Self.matches($0, names) }
        }
        let kept = object.members.filter { $0.key == "resourceType" || keep($0.key) }
        return .object(Self.tagSubsetted(JSONObject(kept)))
    }

    /// Elements every subset keeps.
    static let always: Set<String> = ["resourceType", "id", "meta", "implicitRules", "modifierExtension"]

    /// Whether the JSON key names one of the elements (`valueQuantity` is the element `value`, `_birthDate` the
    /// extension of `birthDate`).
    static func matches(_ key: String, _ names: Set<String>) -> Bool {
        let bare = key.hasPrefix("_") ? String(key.dropFirst()) : key
        if names.contains(bare) { return true }
        for name in names where bare.count > name.count && bare.hasPrefix(name) {
            let next = bare[bare.index(bare.startIndex, offsetBy: name.count)]
            if next.isUppercase { return true }
        }
        return false
    }

    /// The top-level elements of `type` that some search parameter reads, and the mandatory ones.
    static func summaryElements(of type: String, registry: SearchParameterRegistry) -> Set<String> {
        var names = Set(R4.model.requiredElements(of: type))
        for parameter in registry.parameters(for: type) {
            guard let expression = parameter.expression(for: type) else { continue }
            names.formUnion(firstSteps(of: expression, type: type))
        }
        return names
    }

    /// `Observation.code | (Observation.value as Quantity)` -> `code`, `value`.
    static func firstSteps(of expression: String, type: String) -> [String] {
        var steps: [String] = []
        let marker = type + "."
        var rest = Substring(expression)
        while let range = rest.range(of: marker) {
            let before = range.lowerBound == rest.startIndex ? nil : rest[rest.index(before: range.lowerBound)]
            rest = rest[range.upperBound...]
            if let before, before.isLetter || before.isNumber { continue }
            let name = rest.prefix { $0.isLetter || $0.isNumber }
            if !name.isEmpty { steps.append(String(name)) }
        }
        return steps
    }

    private static func tagSubsetted(_ object: JSONObject) -> JSONObject {
        var out = object
        var meta = out["meta"]?.objectValue ?? JSONObject()
        var tags = meta["tag"]?.arrayValue ?? []
        tags.append(["system": "http://terminology.hl7.org/CodeSystem/v3-ObservationValue", "code": "SUBSETTED",
                     "display": "Resource encoded in summary mode"])
        meta["tag"] = .array(tags)
        out["meta"] = .object(meta)
        return out
    }
}
