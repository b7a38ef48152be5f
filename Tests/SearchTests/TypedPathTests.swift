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
