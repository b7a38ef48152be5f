import Foundation
import Store
import Testing

extension StoreConformance {
    private static let loinc = "http://loinc.org"
    private static let snomed = "http://snomed.info/sct"

    /// A token condition from `system|code`-like pairs.
    private static func condition(_ param: String, _ values: TokenValue...) -> TokenCondition {
        TokenCondition(param: param, values: values)
    }

    private static func anySystem(_ code: String) -> TokenValue { TokenValue(system: .any, code: code) }
    private static func noSystem(_ code: String) -> TokenValue { TokenValue(system: .none, code: code) }
    private static func system(_ system: String, _ code: String? = nil) -> TokenValue {
        TokenValue(system: .exactly(system), code: code)
    }

    static func searchById(_ store: any FHIRStore) async throws {
        try await put(store, version("Patient", "b", 1), version("Patient", "a", 1), version("Patient", "c", 1))
        try await put(store, version("Observation", "a", 1))

        #expect(ids(try await store.search(SearchQuery(type: "Patient", ids: ["c", "a"]))) == ["Patient/a", "Patient/c"])
        #expect(ids(try await store.search(SearchQuery(type: nil, ids: ["a"]))) == ["Observation/a", "Patient/a"])
        #expect(try await store.search(SearchQuery(type: "Patient", ids: ["zz"])).isEmpty)
        #expect(ids(try await store.search(SearchQuery(type: "Patient"))) == ["Patient/a", "Patient/b", "Patient/c"])
        #expect(try await store.search(SearchQuery(type: "Encounter")).isEmpty)
        let found = try await store.search(SearchQuery(type: "Patient", ids: ["b"])).resources
        #expect(found == [try #require(try await store.read(type: "Patient", id: "b"))])
    }

    /// Observations o1…o6 and Condition c1 with `code` and `status` tokens (see the expectations below).
    private static func writeTokenFixture(_ store: any FHIRStore) async throws {
        try await put(
            store,
            // The same entry twice: a backend must store it once, not fail.
            version("Observation", "o1", 1, tokens: [
                token("code", loinc, "1234-5"), token("code", loinc, "1234-5"), token("status", nil, "final"),
            ]),
            version("Observation", "o2", 1, tokens: [token("code", snomed, "1234-5"), token("status", nil, "amended")]),
            version("Observation", "o3", 1, tokens: [token("code", nil, "1234-5"), token("status", nil, "final")]),
            version("Observation", "o4", 1, tokens: [token("code", loinc, "9999-9"), token("status", nil, "final")]),
            version("Observation", "o5", 1, tokens: [token("status", nil, "final")]),
            version("Observation", "o6", 1, tokens: [
                token("code", loinc, "1234-5"), token("code", snomed, "1234-5"), token("status", nil, "preliminary"),
            ]),
            version("Condition", "c1", 1, tokens: [token("code", loinc, "1234-5")]))
    }

    static func searchByTokenValueForms(_ store: any FHIRStore) async throws {
        try await writeTokenFixture(store)
        func search(in type: String? = "Observation", _ conditions: TokenCondition...) async throws -> [String] {
            ids(try await store.search(SearchQuery(type: type, tokens: conditions)))
        }
        // code
        #expect(try await search(condition("code", anySystem("1234-5")))
            == ["Observation/o1", "Observation/o2", "Observation/o3", "Observation/o6"])
        // |code
        #expect(try await search(condition("code", noSystem("1234-5"))) == ["Observation/o3"])
        // system|code
        #expect(try await search(condition("code", system(loinc, "1234-5"))) == ["Observation/o1", "Observation/o6"])
        // system|
        #expect(try await search(condition("code", system(loinc))) == ["Observation/o1", "Observation/o4", "Observation/o6"])
        #expect(try await search(condition("code", system(snomed, "9999-9"))).isEmpty)
        #expect(try await search(condition("code", system("http://example.org", "1234-5"))).isEmpty)
        // The parameter matters.
        #expect(try await search(condition("category", anySystem("1234-5"))).isEmpty)
        #expect(try await search(condition("status", anySystem("final")))
            == ["Observation/o1", "Observation/o3", "Observation/o4", "Observation/o5"])
        // All types.
        #expect(try await search(in: nil, condition("code", system(loinc, "1234-5")))
            == ["Condition/c1", "Observation/o1", "Observation/o6"])
        #expect(try await search(in: "Condition", condition("code", anySystem("1234-5"))) == ["Condition/c1"])
    }

    static func searchCombinesConditionsWithAndAndValuesWithOr(_ store: any FHIRStore) async throws {
        try await writeTokenFixture(store)
        func search(ids restriction: [String] = [], limit: Int? = nil, _ conditions: TokenCondition...) async throws -> [String] {
            ids(try await store.search(SearchQuery(type: "Observation", ids: restriction, tokens: conditions, limit: limit)))
        }
        // OR inside a condition.
        #expect(try await search(condition("code", system(loinc, "1234-5"), system(loinc, "9999-9")))
            == ["Observation/o1", "Observation/o4", "Observation/o6"])
        #expect(try await search(condition("code", noSystem("1234-5"), system(snomed)))
            == ["Observation/o2", "Observation/o3", "Observation/o6"])
        // AND between conditions.
        #expect(try await search(condition("code", anySystem("1234-5")), condition("status", anySystem("final")))
            == ["Observation/o1", "Observation/o3"])
        #expect(try await search(condition("code", system(loinc, "1234-5")), condition("code", system(snomed, "1234-5")))
            == ["Observation/o6"])
        #expect(try await search(condition("code", system(loinc, "9999-9")), condition("status", anySystem("amended"))).isEmpty)
        // AND with _id.
        #expect(try await search(ids: ["o1", "o2", "o4"], condition("code", anySystem("1234-5")))
            == ["Observation/o1", "Observation/o2"])
        // A condition with no value matches nothing.
        #expect(try await search(TokenCondition(param: "code", values: [])).isEmpty)
        // Limit applies after filtering.
        #expect(try await search(limit: 2, condition("code", anySystem("1234-5"))) == ["Observation/o1", "Observation/o2"])
    }

    static func searchSeesOnlyCurrentIndexOfLiveResources(_ store: any FHIRStore) async throws {
        let codeA = SearchQuery(type: "Observation", tokens: [condition("code", system(loinc, "A"))])
        let codeB = SearchQuery(type: "Observation", tokens: [condition("code", system(loinc, "B"))])
        try await put(
            store,
            version("Observation", "o1", 1, patient: "p", tokens: [token("code", loinc, "A")]),
            version("Observation", "o2", 1, patient: "p", tokens: [token("code", loinc, "A")]),
            version("Observation", "o3", 1, patient: "p", tokens: [token("code", loinc, "A")]))
        #expect(ids(try await store.search(codeA)) == ["Observation/o1", "Observation/o2", "Observation/o3"])

        // An update replaces the index entries.
        try await put(store, version("Observation", "o2", 2, patient: "p", tokens: [token("code", loinc, "B")]))
        #expect(ids(try await store.search(codeA)) == ["Observation/o1", "Observation/o3"])
        #expect(ids(try await store.search(codeB)) == ["Observation/o2"])
        let found = try await store.search(codeB).resources
        #expect(found.first?.version == 2)

        // A deletion removes the resource from every search.
        try await put(store, version("Observation", "o3", 2, method: .delete, patient: "p"))
        #expect(ids(try await store.search(codeA)) == ["Observation/o1"])
        #expect(try await store.search(SearchQuery(type: "Observation", ids: ["o3"])).isEmpty)
        #expect(ids(try await store.search(SearchQuery(type: nil))) == ["Observation/o1", "Observation/o2"])

        // Re-created, it is found by its new entries only.
        try await put(store, version("Observation", "o3", 3, patient: "p", tokens: [token("code", loinc, "B")]))
        #expect(ids(try await store.search(codeB)) == ["Observation/o2", "Observation/o3"])
        #expect(ids(try await store.search(codeA)) == ["Observation/o1"])

        // An update without entries leaves none.
        try await put(store, version("Observation", "o1", 2, patient: "p"))
        #expect(try await store.search(codeA).isEmpty)
        #expect(ids(try await store.search(SearchQuery(type: "Observation", ids: ["o1"]))) == ["Observation/o1"])
    }

    static func searchOrdersByTypeThenIdAndHonoursLimit(_ store: any FHIRStore) async throws {
        try await put(store, version("Patient", "b", 1), version("Patient", "c", 1))
        try await put(store, version("Patient", "aa", 1), version("Observation", "z", 1))
        try await put(store, version("Patient", "a", 1), version("Observation", "a", 1))
        let all = ["Observation/a", "Observation/z", "Patient/a", "Patient/aa", "Patient/b", "Patient/c"]
        #expect(ids(try await store.search(SearchQuery(type: nil))) == all)
        #expect(ids(try await store.search(SearchQuery(type: nil, limit: 3))) == Array(all.prefix(3)))
        #expect(ids(try await store.search(SearchQuery(type: "Patient", limit: 2))) == ["Patient/a", "Patient/aa"])
        #expect(try await store.search(SearchQuery(type: nil, limit: 0)).isEmpty)
        #expect(ids(try await store.search(SearchQuery(type: nil, limit: 100))) == all)
    }
}
