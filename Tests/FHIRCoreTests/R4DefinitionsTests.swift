import Testing
import FHIRCore

@Suite("R4 definitions")
struct R4DefinitionsTests {
    @Test func resourceTypes() {
        #expect(R4.resourceTypes.contains("Patient"))
        #expect(R4.resourceTypes.contains("Observation"))
        #expect(R4.resourceTypes.contains("Parameters"))
        #expect(R4.resourceTypes.contains("Bundle"))
        #expect(R4.resourceTypes.contains("Binary"))
        #expect(!R4.resourceTypes.contains("Resource"))
        #expect(!R4.resourceTypes.contains("DomainResource"))
        #expect(!R4.resourceTypes.contains("Quantity"))
        #expect(R4.resourceTypes.count == 146)
    }

    @Test func elementTypesAndCardinality() throws {
        let model = R4.model
        #expect(model.type(of: "Observation.status") == "code")
        #expect(model.type(of: "Observation.valueQuantity") == "Quantity")
        #expect(model.type(of: "Observation.component.valueQuantity") == "Quantity")
        #expect(model.type(of: "Observation.valueQuantity.value") == "decimal")
        #expect(model.type(of: "Observation.component") == "BackboneElement")
        #expect(model.type(of: "Patient.name.given") == "string")
        #expect(model.type(of: "Patient.nope") == nil)
        #expect(model.isArray("Patient.name"))
        #expect(model.isArray("Patient.name.given"))
        #expect(!model.isArray("Patient.name.family"))
        #expect(!model.isArray("Patient.birthDate"))
        #expect(model.isArray("Observation.component"))
        #expect(!model.isArray("Observation.code"))
        #expect(model.isArray("Observation.code.coding"))
        let status = try #require(model.element(at: "Observation.status"))
        #expect(status.isRequired && status.isPrimitive)
        #expect(model.element(at: "Observation.subject")?.isRequired == false)
        #expect(Set(model.requiredElements(of: "Observation")) == ["status", "code"])
        #expect(model.requiredElements(of: "MedicationRequest").contains("medication[x]"))
    }

    @Test func choiceElements() throws {
        let model = R4.model
        let types = try #require(model.choiceTypes(of: "Observation.value"))
        #expect(types.contains("Quantity") && types.contains("String") && types.contains("CodeableConcept"))
        #expect(model.choiceElementNames(of: "Observation.value")?.contains("valueQuantity") == true)
        #expect(model.choiceTypes(of: "Observation.component.value")?.contains("Quantity") == true)
        #expect(model.choiceTypes(of: "Observation.status") == nil)
        #expect(model.element(at: "Observation.valueString")?.choiceBase == "value")
        #expect(model.element(at: "Observation.valueString")?.type == "string")
        #expect(model.element(at: "Observation.status")?.choiceBase == nil)
    }

    @Test func pathsDefinedElsewhereAndRecursion() {
        let model = R4.model
        #expect(model.type(of: "Questionnaire.item.item.linkId") == "string")
        #expect(model.type(of: "Questionnaire.item.item.item.item.type") == "code")
        #expect(model.isArray("Questionnaire.item.item"))
        #expect(model.element(at: "Questionnaire.item.item")?.structure == "Questionnaire.item")
        #expect(model.type(of: "Bundle.entry.link.url") == "uri")
        #expect(model.type(of: "Observation.component.referenceRange.low") == "Quantity")
        #expect(model.type(of: "Extension.extension.valueString") == "string")
    }

    @Test func typeHierarchy() {
        let model = R4.model
        #expect(model.isType("Observation", derivedFrom: "DomainResource"))
        #expect(model.isType("Observation", derivedFrom: "Resource"))
        #expect(!model.isType("Bundle", derivedFrom: "DomainResource"))
        #expect(model.isType("Age", derivedFrom: "Quantity"))
        #expect(model.parentType(of: "code") == "string")
    }

    @Test func searchParametersByTypeAndCode() throws {
        let registry = R4.searchParameters
        let code = try #require(registry.parameter(for: "Observation", code: "code"))
        #expect(code.type == .token)
        #expect(code.expression(for: "Observation") == "Observation.code")
        let subject = try #require(registry.parameter(for: "Observation", code: "subject"))
        #expect(subject.type == .reference)
        #expect(subject.target.contains("Patient"))
        let patient = try #require(registry.parameter(for: "Encounter", code: "patient"))
        #expect(patient.expression(for: "Encounter") == "Encounter.subject.where(resolve() is Patient)")
        #expect(patient.expression(for: "Observation") == "Observation.subject.where(resolve() is Patient)")
        let value = try #require(registry.parameter(for: "Observation", code: "value-quantity"))
        #expect(value.type == .quantity)
        #expect(value.expression(for: "Observation")?.contains("as Quantity") == true)
        let composite = try #require(registry.parameter(for: "Observation", code: "code-value-quantity"))
        #expect(composite.type == .composite && composite.components.count == 2)
    }

    @Test func commonParametersApplyToEveryType() throws {
        let registry = R4.searchParameters
        for code in ["_id", "_lastUpdated", "_tag", "_profile", "_security", "_source"] {
            let p = try #require(registry.parameter(for: "Patient", code: code), "\(code)")
            #expect(p.base == ["Resource"])
            #expect(registry.parameter(for: "Bundle", code: code) != nil)
        }
        #expect(registry.parameter(for: "Resource", code: "_id")?.expression(for: "Patient") == "Resource.id")
        #expect(registry.parameter(for: "Patient", code: "_text")?.type == .string)
        #expect(registry.parameter(for: "Bundle", code: "_text") == nil)
        #expect(registry.parameter(for: "Patient", code: "nope") == nil)
        let all = registry.parameters(for: "Patient").map(\.code)
        #expect(all.contains("birthdate") && all.contains("_id") && all.contains("_text"))
        #expect(registry.parameter(url: "http://hl7.org/fhir/SearchParameter/individual-birthdate")?.base.contains("Patient") == true)
    }

    @Test func customParametersCanBeAdded() throws {
        var registry = R4.searchParameters
        let custom: JSON = [
            "resourceType": "SearchParameter", "url": "http://example.org/sp/eye-colour", "name": "eyeColour",
            "code": "eye-colour", "base": ["Patient"], "type": "token",
            "expression": "Patient.extension.where(url = 'http://example.org/eye').value",
        ]
        registry.add(try #require(SearchParameterDefinition(resource: custom)))
        #expect(registry.parameter(for: "Patient", code: "eye-colour")?.url == "http://example.org/sp/eye-colour")
        #expect(SearchParameterDefinition(resource: ["resourceType": "SearchParameter", "code": "x"]) == nil)
    }
}
