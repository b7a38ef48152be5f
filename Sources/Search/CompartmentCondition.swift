import FHIRCore
import Store

/// The conditions of compartment searches (`/Patient/123/Observation`).
public enum CompartmentCondition {
    /// The resources of `resourceType` in the Patient compartment of `id`: the OR of the type's R4 patient
    /// compartment parameters pointing to `Patient/id` (a Patient itself: its own id); nil when the type is not
    /// in the compartment.
    public static func patient(_ id: String, resourceType: String,
                               registry: SearchParameterRegistry = R4.searchParameters,
                               compartment: PatientCompartment = R4.patientCompartment) -> SearchCondition? {
        if resourceType == "Patient" { return .ids([id]) }
        let params = compartment.links(for: resourceType).map(\.parameter).filter {
            registry.parameter(for: resourceType, code: $0)?.type == .reference
        }
        guard !params.isEmpty else { return nil }
        var seen = Set<String>()
        let matches = params.filter { seen.insert($0).inserted }.map {
            SearchCondition.match(param: $0, .reference(.local(type: "Patient", id: id)))
        }
        return matches.count == 1 ? matches[0] : .any(matches)
    }
}
