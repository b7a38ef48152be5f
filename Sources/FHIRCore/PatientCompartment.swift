/// The Patient compartment (http://hl7.org/fhir/CompartmentDefinition/patient): which patients' records a resource
/// belongs to, so it can be stored with, and found through, those patients.
public struct PatientCompartment: Sendable {
    /// One way a resource type links to a patient: a compartment parameter and its compiled expression.
    public struct Link: Sendable, Hashable {
        /// The search parameter code named by the compartment definition (`subject`, `patient`, `performer`).
        public let parameter: String
        /// The parameter's expression for this resource type.
        public let path: SimplePath
    }

    private let links: [String: [Link]]

    /// Builds the compartment from a CompartmentDefinition, resolving each parameter to its search-parameter
    /// expression for the resource type. A parameter whose expression is missing or outside the ``SimplePath``
    /// subset is left out (none of the R4 ones are).
    public init(definition: JSON, searchParameters: SearchParameterRegistry, model: R4Model) {
        var links: [String: [Link]] = [:]
        for entry in definition["resource"]?.arrayValue ?? [] {
            guard let type = entry["code"]?.stringValue else { continue }
            for code in entry["param"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
                guard let expression = searchParameters.parameter(for: type, code: code)?.expression(for: type),
                      let path = try? SimplePath(expression) else { continue }
                links[type, default: []].append(Link(parameter: code, path: path))
            }
        }
        self.links = links
    }

    /// The links of a resource type to patients, in the order of the definition; empty for types outside the
    /// compartment (Practitioner, Organization, Medication...).
    public func links(for resourceType: String) -> [Link] { links[resourceType] ?? [] }

    /// The ids of the patients whose compartment `resource` is in, without duplicates, in order.
    ///
    /// For a Patient: its own id first, then the patients it links to (`Patient.link.other`). For other types: the
    /// ids of the Patient references reached through the compartment parameters (`Observation.subject`,
    /// `Observation.performer`...). Only references that name a Patient with an id count (`Patient/123`,
    /// `http://base/fhir/Patient/123`, `Patient/123/_history/2`); `urn:uuid:`, contained and conditional references
    /// must be resolved by the caller first.
    public func patientIDs(of resource: JSON) -> [String] {
        guard let type = resource["resourceType"]?.stringValue else { return [] }
        var ids: [String] = []
        if type == "Patient", let id = resource["id"]?.stringValue { ids.append(id) }
        for link in links(for: type) {
            for value in link.path.evaluate(resource) {
                guard let text = value["reference"]?.stringValue, let reference = ReferenceParser.parse(text),
                      reference.kind == .relative || reference.kind == .absolute,
                      reference.type == "Patient", let id = reference.id, !ids.contains(id) else { continue }
                ids.append(id)
            }
        }
        return ids
    }

    /// ``patientIDs(of:)`` with the standard R4 compartment (``R4/patientCompartment``).
    public static func patientIDs(of resource: JSON) -> [String] {
        R4.patientCompartment.patientIDs(of: resource)
    }
}
