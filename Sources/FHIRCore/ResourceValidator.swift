/// Checks a resource's JSON against the FHIR R4 structure rules, before it is stored.
///
/// What is checked, for every element the R4 type model knows (also inside datatypes, backbone elements,
/// extensions, contained resources and Bundle entries):
/// - the root is an object with a known `resourceType`, and `id` is a valid id;
/// - the JSON kind: arrays for repeating elements and never for single ones, objects for datatypes, the right
///   primitive kind and format for each primitive type (dates, codes, URIs, integers in range...);
/// - `_element` primitive-extension siblings: an object (or, for repeating elements, an array of objects and nulls
///   as long as the values' array), next to an element that is a primitive;
/// - choice elements: only one `value[x]` form present;
/// - required elements (min cardinality 1) present;
/// - `Reference.reference` syntax (`Type/id`, absolute URL, `urn:uuid:`, `urn:oid:`, `#local`, conditional
///   `Type?query`), with a known resource type;
/// - no empty objects, arrays or strings, and no `null` (except in primitive arrays matched by an `_element`).
///
/// Unknown elements are kept (lossless storage) and only reported as warnings. Each issue's `expression` names the
/// element in FHIRPath form with indexes, from the resource type: `Patient.name[0].given[1]`.
public enum ResourceValidator {
    /// The problems of `resource`, errors and warnings; no issue with severity `.error` means it is valid.
    public static func validate(_ resource: JSON) -> [FHIRError.Issue] {
        validate(resource, model: R4.model, resourceTypes: R4.resourceTypes)
    }

    /// ``validate(_:)`` with a given model and set of resource types.
    public static func validate(_ resource: JSON, model: R4Model, resourceTypes: Set<String>) -> [FHIRError.Issue] {
        var walker = ValidationWalker(model: model, resourceTypes: resourceTypes)
        walker.validateResource(resource, isRoot: true)
        return walker.issues
    }

    /// Only the errors (and fatal issues) among ``validate(_:)``'s issues.
    public static func errors(in resource: JSON) -> [FHIRError.Issue] {
        validate(resource).filter { $0.severity == .error || $0.severity == .fatal }
    }
}

/// The recursive walk behind ``ResourceValidator``. The FHIRPath of the current element is kept as a stack of
/// components and only turned into text when an issue is reported.
struct ValidationWalker {
    private enum Component {
        case name(String)
        case index(Int)
    }

    let model: R4Model
    let resourceTypes: Set<String>
    private(set) var issues: [FHIRError.Issue] = []
    private var path: [Component] = []

    init(model: R4Model, resourceTypes: Set<String>) {
        self.model = model
        self.resourceTypes = resourceTypes
    }

    // MARK: Reporting

    private var expression: String {
        var text = ""
        for component in path {
            switch component {
            case .name(let name):
                if !text.isEmpty { text += "." }
                text += name
            case .index(let k):
                text += "[\(k)]"
            }
        }
        return text
    }

    private mutating func report(_ code: String, _ message: String, severity: FHIRError.Issue.Severity = .error) {
        let where_ = expression
        let diagnostics = where_.isEmpty ? message : "\(where_): \(message)"
        issues.append(FHIRError.Issue(severity: severity, code: code, diagnostics: diagnostics,
                                      expression: where_.isEmpty ? [] : [where_]))
    }

    private mutating func with(_ component: Component, _ body: (inout ValidationWalker) -> Void) {
        path.append(component)
        body(&self)
        path.removeLast()
    }

    // MARK: Resources

    /// Validates a resource: the root, a contained resource, or a resource inside a Bundle or Parameters.
    mutating func validateResource(_ json: JSON, isRoot: Bool) {
        guard case .object(let object) = json else {
            report("structure", "a resource must be a JSON object, not \(json.kindDescription)")
            return
        }
        guard let typeValue = object["resourceType"] else {
            report("structure", "the resource has no resourceType")
            return
        }
        guard case .string(let type) = typeValue else {
            report("structure", "resourceType must be a string, not \(typeValue.kindDescription)")
            return
        }
        guard resourceTypes.contains(type) else {
            report("not-supported", "'\(type)' is not a FHIR R4 resource type")
            return
        }
        if isRoot { path.append(.name(type)) }
        validateMembers(object, structure: type, isResource: true)
        if isRoot { path.removeLast() }
    }

    // MARK: Objects

    /// Validates the members of an object described by `structure` (a type name or a backbone path).
    private mutating func validateMembers(_ object: JSONObject, structure: String, isResource: Bool = false) {
        if object.isEmpty {
            report("structure", "empty objects are not allowed in FHIR JSON")
            return
        }
        guard let info = model.info(of: structure) else { return }
        let elements = info.elements
        var choicesSeen: [(base: String, key: String)] = []
        for member in object {
            let key = member.key
            if isResource && key == "resourceType" { continue }
            if key.utf8.first == UInt8(ascii: "_") {
                validatePrimitiveExtension(member.value, key: key, in: object, elements: elements)
                continue
            }
            guard let element = elements[key] else {
                with(.name(key)) { $0.report("structure", "unknown element '\(key)' (kept as it is)", severity: .warning) }
                continue
            }
            if let base = element.choiceBase {
                if let other = choicesSeen.first(where: { $0.base == base }) {
                    with(.name(key)) {
                        $0.report("structure", "only one form of the choice element \(base)[x] is allowed, but both \(other.key) and \(key) are present")
                    }
                }
                choicesSeen.append((base, key))
            }
            with(.name(key)) { $0.validateElement(member.value, element: element, isResourceID: isResource && key == "id", siblings: object) }
        }
        for name in info.requiredNames where object[name] == nil && object["_" + name] == nil {
            report("required", "the element '\(name)' is required")
        }
        for choice in info.requiredChoices where !choice.options.contains(where: { object[$0] != nil || object["_" + $0] != nil }) {
            report("required", "the element \(choice.name) is required")
        }
    }

    /// Validates one member's value (the path already names it).
    private mutating func validateElement(_ value: JSON, element: R4ElementDefinition, isResourceID: Bool, siblings: JSONObject) {
        if element.isArray {
            guard case .array(let items) = value else {
                report("structure", "\(element.name) repeats, so it must be a JSON array, not \(value.kindDescription)")
                return
            }
            if items.isEmpty {
                report("structure", "empty arrays are not allowed in FHIR JSON")
                return
            }
            let extensions = element.isPrimitive ? siblings["_" + element.name]?.arrayValue : nil
            for (k, item) in items.enumerated() {
                if case .null = item, let extensions, k < extensions.count, !extensions[k].isNull { continue }
                with(.index(k)) { $0.validateValue(item, element: element, isResourceID: false) }
            }
        } else {
            if case .array = value {
                report("structure", "\(element.name) does not repeat, so it must not be a JSON array")
                return
            }
            validateValue(value, element: element, isResourceID: isResourceID)
        }
    }

    /// Validates a single (non-array) value of an element.
    private mutating func validateValue(_ value: JSON, element: R4ElementDefinition, isResourceID: Bool) {
        if case .null = value {
            report("structure", "null is not allowed in FHIR JSON (leave the element out instead)")
            return
        }
        if element.type == "Resource" {
            validateResource(value, isRoot: false)
            return
        }
        if let structure = element.structure {
            guard case .object(let object) = value else {
                report("structure", "\(element.name) is a \(element.type), so it must be a JSON object, not \(value.kindDescription)")
                return
            }
            validateMembers(object, structure: structure)
            if structure == "Reference", case .string(let reference)? = object["reference"] {
                with(.name("reference")) { $0.validateReference(reference) }
            }
            return
        }
        guard var primitive = element.primitiveType else { return }
        if isResourceID { primitive = .id }
        if let problem = primitive.problem(with: value) {
            let code = problem.hasPrefix("must be a JSON") ? "structure" : "value"
            report(code, problem)
        }
    }

    private mutating func validateReference(_ text: String) {
        guard let reference = ReferenceParser.parse(text) else {
            report("value", "'\(text)' is not a valid reference (expected Type/id, an absolute URL, urn:uuid:, urn:oid: or #id)")
            return
        }
        // Absolute URLs may point anywhere (not only to FHIR servers), so only local forms must name a known type.
        if let type = reference.type, reference.kind == .relative || reference.kind == .conditional,
           !resourceTypes.contains(type) {
            report("value", "the reference '\(text)' names '\(type)', which is not a FHIR R4 resource type")
        }
    }

    // MARK: Primitive extensions

    /// `_name`: the id and extensions of the primitive `name`.
    private mutating func validatePrimitiveExtension(_ value: JSON, key: String, in object: JSONObject,
                                                     elements: [String: R4ElementDefinition]) {
        let name = String(key.dropFirst())
        with(.name(key)) { walker in
            guard let element = elements[name] else {
                walker.report("structure", "unknown element '\(key)' (kept as it is)", severity: .warning)
                return
            }
            guard element.isPrimitive else {
                walker.report("structure", "'\(key)' is only allowed next to a primitive element, and \(name) is a \(element.type)")
                return
            }
            if element.isArray {
                guard case .array(let items) = value else {
                    walker.report("structure", "\(name) repeats, so \(key) must be a JSON array, not \(value.kindDescription)")
                    return
                }
                if let values = object[name]?.arrayValue, values.count != items.count {
                    walker.report("structure", "\(key) must have as many items as \(name) (\(items.count) instead of \(values.count))")
                }
                let values = object[name]?.arrayValue
                let valuesAreArrayOrAbsent = values != nil || object[name] == nil
                for (k, item) in items.enumerated() {
                    if case .null = item {
                        if valuesAreArrayOrAbsent, values == nil || k >= values!.count || values![k].isNull {
                            walker.with(.index(k)) { $0.report("structure", "a value or its extension must be present at each position") }
                        }
                        continue
                    }
                    walker.with(.index(k)) { $0.validatePrimitiveElement(item) }
                }
            } else {
                walker.validatePrimitiveElement(value)
            }
        }
    }

    /// The content of a `_name` entry: an Element (id and extensions).
    private mutating func validatePrimitiveElement(_ value: JSON) {
        guard case .object(let object) = value else {
            report("structure", "must be a JSON object (with id and/or extension), not \(value.kindDescription)")
            return
        }
        validateMembers(object, structure: "Element")
    }
}
