/// The type of a search parameter (http://hl7.org/fhir/search-param-type), which decides how its values are
/// indexed and matched.
public enum SearchParameterType: String, Sendable, Hashable, CaseIterable {
    case number, date, string, token, reference, composite, quantity, uri, special
}
