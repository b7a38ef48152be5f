/// The FHIR R4 definitions Dossier works from, loaded once (lazily, thread-safely) from the files shipped with the
/// package (`Sources/FHIRCore/Definitions`, see SOURCES.md there).
public enum R4 {
    /// The resource types a client may use: every type of the Patient CompartmentDefinition (which lists all
    /// DomainResources, Binary and Bundle) plus `Parameters`; never the abstract `Resource` / `DomainResource`.
    public static let resourceTypes: Set<String> = {
        var types = Set(compartmentDefinition["resource"]?.arrayValue?.compactMap { $0["code"]?.stringValue } ?? [])
        types.insert("Parameters")
        types.remove("Resource")
        types.remove("DomainResource")
        return types
    }()

    /// The type model: element types, cardinality and choice elements of every resource and datatype.
    public static let model = R4Model(
        path2Type: DefinitionFiles.load("r4-model/path2Type.json"),
        choiceTypePaths: DefinitionFiles.load("r4-model/choiceTypePaths.json"),
        type2Parent: DefinitionFiles.load("r4-model/type2Parent.json"),
        pathsDefinedElsewhere: DefinitionFiles.load("r4-model/pathsDefinedElsewhere.json"),
        cardinality: DefinitionFiles.load("r4-model/cardinality.json"))

    /// The standard R4 search parameters (the 1,375 SearchParameter resources of the specification).
    public static let searchParameters: SearchParameterRegistry = {
        let bundle = DefinitionFiles.load("search-parameters.json")
        let definitions = bundle["entry"]?.arrayValue?.compactMap { entry in
            entry["resource"].flatMap(SearchParameterDefinition.init(resource:))
        } ?? []
        return SearchParameterRegistry(definitions, model: model)
    }()

    /// The Patient compartment: which resources belong to which patient's record.
    public static let patientCompartment = PatientCompartment(
        definition: compartmentDefinition, searchParameters: searchParameters, model: model)

    /// The Patient CompartmentDefinition resource.
    static let compartmentDefinition = DefinitionFiles.load("compartmentdefinition-patient.json")
}
