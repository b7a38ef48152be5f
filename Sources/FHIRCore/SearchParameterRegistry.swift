/// The search parameters known for each resource type, looked up by code.
///
/// ``R4/searchParameters`` holds the standard R4 ones; build another registry to add custom SearchParameter
/// resources (later definitions replace earlier ones with the same base and code).
public struct SearchParameterRegistry: Sendable {
    /// Base type -> code -> definition.
    private var byBase: [String: [String: SearchParameterDefinition]] = [:]
    private var byURL: [String: SearchParameterDefinition] = [:]
    private let model: R4Model

    /// A registry of these definitions, using `model` to know which types are DomainResources.
    public init(_ definitions: [SearchParameterDefinition], model: R4Model) {
        self.model = model
        for definition in definitions { add(definition) }
    }

    /// Adds (or replaces) a definition for each of its base types.
    public mutating func add(_ definition: SearchParameterDefinition) {
        for base in definition.base { byBase[base, default: [:]][definition.code] = definition }
        byURL[definition.url] = definition
    }

    /// The parameter `code` as it applies to `resourceType`: the type's own, else one defined on `DomainResource`
    /// (for DomainResource types) or `Resource` (`_id`, `_lastUpdated`, `_tag`, `_profile`, `_security`,
    /// `_source`...).
    public func parameter(for resourceType: String, code: String) -> SearchParameterDefinition? {
        if let own = byBase[resourceType]?[code] { return own }
        if model.isType(resourceType, derivedFrom: "DomainResource"), let d = byBase["DomainResource"]?[code] { return d }
        return byBase["Resource"]?[code]
    }

    /// Every parameter that applies to `resourceType` (its own and the common ones), sorted by code.
    public func parameters(for resourceType: String) -> [SearchParameterDefinition] {
        var result: [String: SearchParameterDefinition] = byBase["Resource"] ?? [:]
        if model.isType(resourceType, derivedFrom: "DomainResource") {
            result.merge(byBase["DomainResource"] ?? [:]) { _, new in new }
        }
        result.merge(byBase[resourceType] ?? [:]) { _, new in new }
        return result.values.sorted { $0.code < $1.code }
    }

    /// The definition with this canonical URL.
    public func parameter(url: String) -> SearchParameterDefinition? { byURL[url] }
}
