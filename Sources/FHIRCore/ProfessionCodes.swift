/// The profession codes a `PractitionerRole.code` may carry in the two profession systems of RULES-API.md
/// ("Actors"): HL7's `practitioner-role` code system, all six of its codes, and Dossier's own system for the
/// professions HL7 does not list. A coding in another system is not checked.
///
/// FHIRCore is the lowest layer, so this list does not come from `Access.Profession`; `Profession.known` must be a
/// subset of it (a test in AccessTests keeps them together). A code accepted here but absent from the authorisation
/// matrix (`researcher`, `teacher`, `ict`) is a valid profession that simply gets no read rights.
public enum ProfessionCodes {
    /// `http://terminology.hl7.org/CodeSystem/practitioner-role`.
    public static let practitionerRoleSystem = "http://terminology.hl7.org/CodeSystem/practitioner-role"
    /// `https://dossier.health/CodeSystem/profession`.
    public static let dossierProfessionSystem = "https://dossier.health/CodeSystem/profession"

    /// The codes of each profession system, in the order they are listed to people.
    public static let codes: [String: [String]] = [
        practitionerRoleSystem: ["doctor", "nurse", "pharmacist", "researcher", "teacher", "ict"],
        dossierProfessionSystem: ["midwife", "dentist", "physiotherapist", "admin-staff", "privacy-officer",
                                  "emergency-regulator"],
    ]

    /// What is wrong with `code` in `system`, for people to read; `nil` when it is a code of that system or when
    /// `system` is not a profession system.
    public static func problem(system: String, code: String) -> String? {
        guard let known = codes[system], !known.contains(code) else { return nil }
        var message = "'\(code)' is not a profession of \(system) (its codes: \(known.joined(separator: ", ")))"
        if let otherSystem = codes.first(where: { $0.key != system && $0.value.contains(code) })?.key {
            message += "; '\(code)' belongs to \(otherSystem)"
        }
        return message
    }
}
