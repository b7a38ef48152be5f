/// The identity rules of DOMAIN.md ("People and identities") that every written resource must keep, on top of the
/// R4 structure ``ResourceValidator`` checks:
/// - a `Patient.identifier` in a national system has a valid value (``NationalIdentifier``), issue code `value`;
/// - a `PractitionerRole.code` coding in a profession system has a known code (``ProfessionCodes``), issue code
///   `code-invalid`.
///
/// Breaking them is a well-formed resource with the wrong content, so the server answers 422 (where a structural
/// error is a 400). Contained resources and the entries of a Bundle are checked too. Each issue's `expression`
/// names the element from the resource type, as ``ResourceValidator`` does: `Patient.identifier[1].value`,
/// `PractitionerRole.code[0].coding[2].code`.
public enum IdentityRules {
    /// The rules `resource` breaks; empty when it keeps them all. Elements of an unexpected JSON kind are skipped:
    /// ``ResourceValidator`` reports those.
    public static func issues(in resource: JSONObject) -> [FHIRError.Issue] {
        guard let type = resource["resourceType"]?.stringValue else { return [] }
        var issues: [FHIRError.Issue] = []
        check(resource, type: type, at: type, into: &issues)
        return issues
    }

    private static func check(_ resource: JSONObject, type: String, at path: String, into issues: inout [FHIRError.Issue]) {
        switch type {
        case "Patient":
            for (i, identifier) in (resource["identifier"]?.arrayValue ?? []).enumerated() {
                guard let system = identifier["system"]?.stringValue, let value = identifier["value"]?.stringValue,
                      let problem = NationalIdentifier.problem(system: system, value: value) else { continue }
                issues.append(FHIRError.Issue(code: "value", diagnostics: problem,
                                              expression: ["\(path).identifier[\(i)].value"]))
            }
        case "PractitionerRole":
            for (i, concept) in (resource["code"]?.arrayValue ?? []).enumerated() {
                for (j, coding) in (concept["coding"]?.arrayValue ?? []).enumerated() {
                    guard let system = coding["system"]?.stringValue, let code = coding["code"]?.stringValue,
                          let problem = ProfessionCodes.problem(system: system, code: code) else { continue }
                    issues.append(FHIRError.Issue(code: "code-invalid", diagnostics: problem,
                                                  expression: ["\(path).code[\(i)].coding[\(j)].code"]))
                }
            }
        default:
            break
        }
        for (k, contained) in (resource["contained"]?.arrayValue ?? []).enumerated() {
            guard let object = contained.objectValue, let containedType = object["resourceType"]?.stringValue else { continue }
            check(object, type: containedType, at: "\(path).contained[\(k)]", into: &issues)
        }
        if type == "Bundle" {
            for (k, entry) in (resource["entry"]?.arrayValue ?? []).enumerated() {
                guard let object = entry["resource"]?.objectValue, let entryType = object["resourceType"]?.stringValue else { continue }
                check(object, type: entryType, at: "\(path).entry[\(k)].resource", into: &issues)
            }
        }
    }
}
