/// A search parameter as defined by a FHIR SearchParameter resource: the standard R4 ones shipped in
/// `search-parameters.json`, or custom ones.
public struct SearchParameterDefinition: Sendable, Hashable {
    /// One part of a composite parameter.
    public struct Component: Sendable, Hashable {
        /// The canonical URL of the parameter this part uses.
        public let definition: String
        /// The FHIRPath expression of the part, relative to each value of the composite's expression.
        public let expression: String
    }

    /// The canonical URL (`http://hl7.org/fhir/SearchParameter/Observation-code`).
    public let url: String
    /// The computer-friendly name (`code`).
    public let name: String
    /// The code used in URLs (`code`, `_lastUpdated`, `patient`).
    public let code: String
    /// The resource types the parameter applies to (`Resource` and `DomainResource` mean all of them).
    public let base: [String]
    /// How values are indexed and matched.
    public let type: SearchParameterType
    /// The FHIRPath expression extracting the values, for all base types (union of per-type parts); nil for
    /// special parameters without one (`_text`, `_content`...).
    public let expression: String?
    /// For reference parameters, the resource types the reference may point to.
    public let target: [String]
    /// Whether several values separated by commas are allowed (nil when the definition does not say).
    public let multipleOr: Bool?
    /// Whether the parameter may repeat (nil when the definition does not say).
    public let multipleAnd: Bool?
    /// The comparators allowed (`eq`, `gt`, ...), empty when the definition does not list them.
    public let comparators: [String]
    /// The modifiers allowed (`missing`, `exact`, ...), empty when the definition does not list them.
    public let modifiers: [String]
    /// The chained parameter names allowed, empty when the definition does not list them.
    public let chain: [String]
    /// The parts of a composite parameter.
    public let components: [Component]
    /// The definition's description (markdown).
    public let description: String?

    /// Reads a SearchParameter resource; nil when it lacks a url, code, base or a known type.
    public init?(resource: JSON) {
        guard resource["resourceType"]?.stringValue == "SearchParameter",
              let url = resource["url"]?.stringValue, let code = resource["code"]?.stringValue,
              let base = resource["base"]?.arrayValue?.compactMap(\.stringValue), !base.isEmpty,
              let typeText = resource["type"]?.stringValue, let type = SearchParameterType(rawValue: typeText)
        else { return nil }
        self.url = url
        self.code = code
        self.name = resource["name"]?.stringValue ?? code
        self.base = base
        self.type = type
        self.expression = resource["expression"]?.stringValue
        self.target = resource["target"]?.arrayValue?.compactMap(\.stringValue) ?? []
        self.multipleOr = resource["multipleOr"]?.boolValue
        self.multipleAnd = resource["multipleAnd"]?.boolValue
        self.comparators = resource["comparator"]?.arrayValue?.compactMap(\.stringValue) ?? []
        self.modifiers = resource["modifier"]?.arrayValue?.compactMap(\.stringValue) ?? []
        self.chain = resource["chain"]?.arrayValue?.compactMap(\.stringValue) ?? []
        self.components = resource["component"]?.arrayValue?.compactMap { c in
            guard let d = c["definition"]?.stringValue, let e = c["expression"]?.stringValue else { return nil }
            return Component(definition: d, expression: e)
        } ?? []
        self.description = resource["description"]?.stringValue
    }

    /// The part of ``expression`` that applies to `resourceType`: the union members starting with that type
    /// (`Condition.code | Observation.code` for `Observation` -> `Observation.code`). Members on `Resource` or
    /// `DomainResource` apply to every type and are kept as they are. Nil when no member applies.
    public func expression(for resourceType: String) -> String? {
        guard let expression else { return nil }
        let parts = FHIRPathText.splitUnion(expression).filter { part in
            let root = FHIRPathText.rootName(part)
            return root == resourceType || root == "Resource" || root == "DomainResource"
        }
        return parts.isEmpty ? nil : parts.joined(separator: " | ")
    }
}
