import Foundation
import Store
import Testing

extension StoreConformance {
    static func resourcesCarryTheirPatientKey(_ store: any FHIRStore) async throws {
        try await put(
            store,
            version("Patient", "alice", 1, patient: "alice", tokens: [token("gender", nil, "female")]),
            version("Observation", "o1", 1, patient: "alice", tokens: [token("code", nil, "x")]),
            version("Practitioner", "dr", 1, patient: "", tokens: [token("active", nil, "true")]))

        #expect(try await store.read(type: "Patient", id: "alice")?.patientKey == "alice")
        #expect(try await store.read(type: "Observation", id: "o1")?.patientKey == "alice")
        #expect(try await store.read(type: "Practitioner", id: "dr")?.patientKey == "")
        #expect(try await store.vread(type: "Observation", id: "o1", version: 1)?.patientKey == "alice")
        let all = try await store.search(SearchQuery(type: nil)).resources
        #expect(all.map(\.patientKey) == ["alice", "alice", ""])
        let byToken = try await store.search(SearchQuery(type: "Observation", tokens: [
            TokenCondition(param: "code", values: [TokenValue(system: .none, code: "x")]),
        ])).resources
        #expect(byToken.map(\.patientKey) == ["alice"])
        let history = try await store.history(HistoryQuery(scope: .system, count: 10))
        #expect(Set(history.entries.map(\.patientKey)) == ["alice", ""])
    }

    static func changingPatientKeyKeepsHistoryReadable(_ store: any FHIRStore) async throws {
        let first = version("Observation", "o1", 1, patient: "alice", tokens: [token("code", nil, "x")])
        let second = version("Observation", "o1", 2, patient: "bob", tokens: [token("code", nil, "y")])
        let firstTime = try await put(store, first)
        let secondTime = try await put(store, second)

        expect(try await store.read(type: "Observation", id: "o1"), is: second, at: secondTime)
        expect(try await store.vread(type: "Observation", id: "o1", version: 1), is: first, at: firstTime)
        expect(try await store.vread(type: "Observation", id: "o1", version: 2), is: second, at: secondTime)

        let instance = try await store.history(HistoryQuery(scope: .instance(type: "Observation", id: "o1"), count: 10))
        #expect(keys(instance.entries) == ["Observation/o1/2", "Observation/o1/1"])
        #expect(instance.entries.map(\.patientKey) == ["bob", "alice"])
        #expect(instance.total == 2)
        #expect(try await store.history(HistoryQuery(scope: .type("Observation"), count: 10)).total == 2)

        func codes(_ code: String) async throws -> [StoredResource] {
            try await store.search(SearchQuery(type: "Observation", tokens: [
                TokenCondition(param: "code", values: [TokenValue(system: .any, code: code)]),
            ])).resources
        }
        #expect(try await codes("x").isEmpty)
        #expect(try await codes("y").map(\.patientKey) == ["bob"])

        // The version check follows the resource, whatever its key.
        await #expect(throws: StoreError.versionConflict(type: "Observation", id: "o1", expected: 3, found: 2)) {
            try await put(store, version("Observation", "o1", 2, patient: "alice"))
        }
        // Deleted under the new key, re-created under the first one.
        try await put(store, version("Observation", "o1", 3, method: .delete, patient: "bob"))
        #expect(try await codes("y").isEmpty)
        let fourth = version("Observation", "o1", 4, patient: "alice", tokens: [token("code", nil, "x")])
        let fourthTime = try await put(store, fourth)
        expect(try await store.read(type: "Observation", id: "o1"), is: fourth, at: fourthTime)
        #expect(try await codes("x").map(\.patientKey) == ["alice"])
        let all = try await store.history(HistoryQuery(scope: .instance(type: "Observation", id: "o1"), count: 10))
        #expect(all.entries.map(\.patientKey) == ["alice", "bob", "bob", "alice"])
        #expect(all.entries.map(\.version) == [4, 3, 2, 1])
    }
}
