/// One element of the FHIR R4 type model: what a JSON member of a resource, datatype or backbone element is.
public struct R4ElementDefinition: Sendable, Hashable {
    /// The element's path, with choice elements expanded: `Observation.component.valueQuantity`.
    public let path: String
    /// The JSON member name: `valueQuantity`, `status`.
    public let name: String
    /// The FHIR type: a primitive (`code`, `dateTime`), a datatype (`Quantity`), `BackboneElement` for elements
    /// defined inline, `Resource` for contained resources, or `System.String` for `id` of elements and `Extension.url`.
    public let type: String
    /// Whether the element repeats (max cardinality above 1), so that its JSON form is an array.
    public let isArray: Bool
    /// Whether the element is mandatory (min cardinality 1). For a choice element, see
    /// ``R4Model/requiredElements(of:)``, which names the choice as `value[x]`.
    public let isRequired: Bool
    /// For an expanded choice element (`valueQuantity`), the choice's name (`value`); nil otherwise.
    public let choiceBase: String?
    /// Where the element's own children are described, a key for ``R4Model/elements(of:)``: the datatype name
    /// (`Quantity`) or the backbone element's path (`Observation.component`, with paths defined elsewhere resolved:
    /// `Questionnaire.item.item` -> `Questionnaire.item`). Nil for primitives and resources.
    public let structure: String?
    /// The primitive type, resolved once (`System.String` counts as `string`; nil for complex types).
    let primitiveType: FHIRPrimitiveType?

    init(path: String, name: String, type: String, isArray: Bool, isRequired: Bool, choiceBase: String?, structure: String?) {
        self.path = path
        self.name = name
        self.type = type
        self.isArray = isArray
        self.isRequired = isRequired
        self.choiceBase = choiceBase
        self.structure = structure
        if type == "System.String" {
            primitiveType = path == "Extension.url" ? .uri : .string
        } else {
            primitiveType = structure == nil ? FHIRPrimitiveType(rawValue: type) : nil
        }
    }

    /// Whether the type is a FHIR primitive (its JSON form is a string, number or boolean).
    public var isPrimitive: Bool { structure == nil && type != "Resource" }
}
