import FHIRCore
import Store

/// Derives the patient key the store keeps beside a resource version, from the R4 Patient compartment. (Index
/// entries come from the Search layer's `IndexBuilder`.)
struct ResourceIndexer: Sendable {
    /// The patient whose record `resource` belongs to (`""` for shared resources). Depends on the resource's
    /// Patient references, so it is computed after a transaction has rewritten them.
    func patientKey(_ resource: JSON, type: String) -> String {
        if type == "Patient" { return resource["id"]?.stringValue ?? "" }
        return PatientCompartment.patientIDs(of: resource).first ?? ""
    }
}
