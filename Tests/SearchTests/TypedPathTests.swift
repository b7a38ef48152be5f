import Foundation
import Testing
import FHIRCore
@testable import Search

@Suite struct TypedPathTests {
    /// The compiled paths select the same values as FHIRCore's SimplePath, for every R4 parameter of every type of
    /// the Synthea bundle (up to duplicates, which the index builder removes from the entries).
    @Test func typedPathsSelectWhatSimplePathSelects() throws {
        let bundle = try Fixture.json("synthea-bundle.json")
        var resources = bundle["entry"]!.arrayValue!.compactMap { $0["resource"] }
        resources.append(try resource(#"{"resourceType":"Observation","subject":{"reference":"Group/1"},"performer":[{"reference":"Patient/2"},{"type":"Patient","display":"x"}],"valueString":"a","component":[{"valueCodeableConcept":{"text":"y"}}]}"#))
        resources.append(try resource(#"{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Composition","id":"c"}}]}"#))
        var compared = 0
        for r in resources {
            let type = r["resourceType"]!.stringValue!
            for definition in R4.searchParameters.parameters(for: type) {
                guard let expression = definition.expression(for: type), let typed = TypedPath(expression, resourceType: type),
                      let simple = try? SimplePath(expression) else { continue }
                let a = typed.evaluate(r), b = simple.evaluate(r)
                #expect(Set(a) == Set(b), "\(type).\(definition.code): \(expression)")
                #expect(a.count >= b.count)
                compared += 1
            }
        }
        #expect(compared > 1000)
    }

    @Test func choiceElementsAndAsAreDecidedWhenCompiling() throws {
        let path = try #require(TypedPath("(Observation.value as Quantity) | (Observation.value as SampledData)", resourceType: "Observation"))
        #expect(path.branches == [[.key("valueQuantity")], [.key("valueSampledData")]])
        let subject = try #require(TypedPath("Observation.subject.where(resolve() is Patient)", resourceType: "Observation"))
        #expect(subject.branches == [[.key("subject"), .whereResolveIs("Patient")]])
        #expect(TypedPath("Patient.telecom.where(system='phone')", resourceType: "Patient") == nil)
        #expect(TypedPath("Bundle.entry[0].resource", resourceType: "Bundle") == nil)
    }
}

@Suite struct CompiledParametersTests {
    /// No R4 parameter with an expression is silently left out of indexing, and most run as compiled paths.
    @Test func everyR4ParameterWithAnExpressionCompiles() {
        let compiled = CompiledParameters(registry: R4.searchParameters)
        var typed = 0, simple = 0, fhirPath = 0
        for type in R4.resourceTypes.sorted() {
            let expected = R4.searchParameters.parameters(for: type).filter {
                $0.code != "_id" && $0.code != "_lastUpdated" && $0.type != .special && $0.expression(for: type) != nil
            }.map(\.code)
            let parameters = compiled.parameters(for: type)
            #expect(parameters.map(\.code) == expected, "\(type)")
            for p in parameters {
                switch p.expression {
                case .typed: typed += 1
                case .simple: simple += 1
                case .fhirPath: fhirPath += 1
                }
            }
        }
        #expect(typed > 10 * (simple + fhirPath))
        #expect(fhirPath < 80)
    }
}
