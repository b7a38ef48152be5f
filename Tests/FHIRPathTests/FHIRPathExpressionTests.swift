import FHIRCore
import Testing
@testable import FHIRPath

/// Behaviours the search-parameter and invariant expressions rely on, beyond the official suite.
@Suite struct FHIRPathExpressionTests {
    let observation: JSON = .object([
        "resourceType": "Observation",
        "id": "o1",
        "status": "final",
        "code": .object(["coding": .array([.object(["system": "http://loinc.org", "code": "8867-4"])])]),
        "subject": .object(["reference": "Patient/123"]),
        "performer": .array([.object(["reference": "Practitioner/9"]), .object(["reference": "#p1"])]),
        "contained": .array([.object(["resourceType": "Organization", "id": "p1", "name": "Lab"])]),
        "valueQuantity": .object(["value": .number("72.50"), "unit": "beats/min", "system": "http://unitsofmeasure.org", "code": "/min"]),
        "effectiveDateTime": "2024-03-01T10:00:00+01:00",
        "_status": .object(["extension": .array([.object(["url": "http://example.org/x", "valueString": "note"])])]),
    ])

    func eval(_ text: String, _ resource: JSON? = nil) throws -> [FHIRPathValue] {
        try FHIRPathExpression(text).evaluate(resource ?? observation)
    }

    @Test func malformedExpressionsFailToCompile() {
        for text in ["Observation.", "1 +", "where(", "'unterminated", "Observation.code.coding[0", "foo()", "@2015-13"] {
            #expect(throws: FHIRError.self, "\(text)") { try FHIRPathExpression(text) }
        }
    }

    @Test func choiceElementsAreReachableByTheirBaseNameWithTheirType() throws {
        let values = try eval("Observation.value")
        #expect(values.count == 1)
        #expect(values.first?.typeName == "Quantity")
        #expect(try eval("(Observation.value as Quantity).value").first?.systemValue?.description == "72.50")
        #expect(try eval("Observation.value.ofType(string)").isEmpty)
        #expect(try eval("Observation.effective is dateTime") == [.boolean(true)])
    }

    @Test func resolveIsPatientIsDecidedFromTheReferenceWhenNotResolvable() throws {
        #expect(try eval("Observation.subject.where(resolve() is Patient).reference") == [.element(FHIRPathElement(value: "Patient/123", type: "string", structure: nil))])
        #expect(try eval("Observation.performer.where(resolve() is Practitioner).count()") == [.integer(1)])
        #expect(try eval("Observation.performer.resolve().ofType(Organization).name").first?.description == "Lab")
    }

    @Test func primitiveExtensionsAreReachableThroughTheElement() throws {
        #expect(try eval("Observation.status.extension('http://example.org/x').value").first?.description == "note")
        #expect(try eval("Observation.status.hasValue()") == [.boolean(true)])
    }

    @Test func dateTimesCompareAcrossTimeZonesAndPrecisions() throws {
        #expect(try eval("Observation.effective > @2024-03-01T08:59:00Z") == [.boolean(true)])
        #expect(try eval("Observation.effective > @2024-03-01T09:00:00Z") == [.boolean(false)])
        #expect(try eval("@2024-03 < @2024-03-01").isEmpty)
        #expect(try eval("@2024-03-01 + 1 month = @2024-04-01") == [.boolean(true)])
    }

    @Test func singleOnSeveralItemsIsAnExecutionError() throws {
        #expect(throws: FHIRError.self) { try eval("Observation.performer.single()") }
        #expect(throws: FHIRError.self) { try eval("Observation.status + 1") }
    }

    @Test func unionRemovesDuplicatesAndKeepsOrder() throws {
        let result = try eval("Observation.code.coding.code | Observation.code.coding.code | 'x'")
        #expect(result.map(\.description) == ["8867-4", "x"])
    }

    @Test func aCompiledExpressionIsReusableAcrossResourcesAndThreads() async throws {
        let expression = try FHIRPathExpression("Observation.code.coding.where(system = 'http://loinc.org').code")
        let resource = observation
        let counts = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<8 { group.addTask { (try? expression.evaluate(resource).count) ?? -1 } }
            return await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(counts == Array(repeating: 1, count: 8))
    }
}

/// Every expression of the standard R4 search parameters compiles and evaluates on a minimal resource of its base.
@Suite struct SearchParameterExpressionTests {
    @Test func everyStandardSearchParameterExpressionCompilesAndRuns() throws {
        var failures: [String] = []
        var count = 0
        for type in R4.resourceTypes.sorted() {
            for parameter in R4.searchParameters.parameters(for: type) {
                guard let text = parameter.expression(for: type) else { continue }
                count += 1
                do {
                    let expression = try FHIRPathExpression(text)
                    _ = try expression.evaluate(.object(["resourceType": .string(type), "id": "x"]))
                } catch {
                    failures.append("\(type).\(parameter.code): \(text): \(error)")
                }
            }
        }
        #expect(count > 1000)
        #expect(failures.isEmpty, "\(failures.count) failed: \(failures.prefix(20).joined(separator: "\n"))")
    }
}
