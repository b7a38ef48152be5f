import Foundation
import Store
import Testing

extension StoreConformance {
    static func createThenReadAndVread(_ store: any FHIRStore) async throws {
        let patient = version("Patient", "p1", 1, patient: "p1")
        let timestamp = try await put(store, patient)

        let current = try await store.read(type: "Patient", id: "p1")
        expect(current, is: patient, at: timestamp)
        #expect(current?.isDeleted == false)
        #expect(try await store.vread(type: "Patient", id: "p1", version: 1) == current)
        #expect(try await store.vread(type: "Patient", id: "p1", version: 2) == nil)
        #expect(try await store.vread(type: "Patient", id: "p1", version: 0) == nil)
        #expect(try await store.read(type: "Patient", id: "p2") == nil)
        #expect(try await store.read(type: "Observation", id: "p1") == nil)
        #expect(try await store.vread(type: "Observation", id: "p1", version: 1) == nil)
    }

    static func updateIncrementsVersion(_ store: any FHIRStore) async throws {
        let first = version("Patient", "p1", 1, patient: "p1", note: "first")
        let second = version("Patient", "p1", 2, patient: "p1", note: "second")
        let firstTime = try await put(store, first)
        let secondTime = try await put(store, second)

        #expect(secondTime > firstTime)
        let current = try await store.read(type: "Patient", id: "p1")
        expect(current, is: second, at: secondTime)
        expect(try await store.vread(type: "Patient", id: "p1", version: 1), is: first, at: firstTime)
        #expect(try await store.vread(type: "Patient", id: "p1", version: 2) == current)
    }

    static func deleteLeavesTombstoneAndRecreateContinuesVersions(_ store: any FHIRStore) async throws {
        let created = version("Patient", "p1", 1, tokens: [token("gender", nil, "female")])
        let deletion = version("Patient", "p1", 2, method: .delete)
        let createdTime = try await put(store, created)
        let deletionTime = try await put(store, deletion)

        let tombstone = try #require(try await store.read(type: "Patient", id: "p1"))
        #expect(tombstone.isDeleted)
        #expect(tombstone.content.isEmpty)
        expect(tombstone, is: deletion, at: deletionTime)
        expect(try await store.vread(type: "Patient", id: "p1", version: 1), is: created, at: createdTime)
        #expect(try await store.search(SearchQuery(type: "Patient")).isEmpty)
        #expect(try await store.search(SearchQuery(type: "Patient", ids: ["p1"])).isEmpty)
        let byGender = SearchQuery(type: "Patient", tokens: [TokenCondition(param: "gender", values: [
            TokenValue(system: .any, code: "female"),
        ])])
        #expect(try await store.search(byGender).isEmpty)

        // A deleted resource's next version is current + 1, not 1.
        await #expect(throws: StoreError.versionConflict(type: "Patient", id: "p1", expected: 3, found: 1)) {
            try await put(store, version("Patient", "p1", 1))
        }
        let recreated = version("Patient", "p1", 3, method: .update, tokens: [token("gender", nil, "female")])
        let recreatedTime = try await put(store, recreated)
        let current = try await store.read(type: "Patient", id: "p1")
        expect(current, is: recreated, at: recreatedTime)
        #expect(current?.isDeleted == false)
        #expect(ids(try await store.search(byGender)) == ["Patient/p1"])
    }

    static func versionConflictIsRejectedAndChangesNothing(_ store: any FHIRStore) async throws {
        let original = version("Patient", "p1", 1)
        let originalTime = try await put(store, original)

        await #expect(throws: StoreError.versionConflict(type: "Patient", id: "p1", expected: 2, found: 1)) {
            try await put(store, version("Patient", "p1", 1, note: "again"))
        }
        await #expect(throws: StoreError.versionConflict(type: "Patient", id: "p1", expected: 2, found: 3)) {
            try await put(store, version("Patient", "p1", 3))
        }
        await #expect(throws: StoreError.versionConflict(type: "Patient", id: "p2", expected: 1, found: 2)) {
            try await put(store, version("Patient", "p2", 2))
        }
        expect(try await store.read(type: "Patient", id: "p1"), is: original, at: originalTime)
        #expect(try await store.read(type: "Patient", id: "p2") == nil)

        // A body may catch a conflict and go on: the rejected put wrote nothing, the others commit.
        let other = version("Patient", "p3", 1)
        let caughtTime = try await store.write { transaction in
            try transaction.put(other)
            #expect(throws: StoreError.versionConflict(type: "Patient", id: "p1", expected: 2, found: 5)) {
                try transaction.put(version("Patient", "p1", 5))
            }
            return transaction.timestamp
        }
        expect(try await store.read(type: "Patient", id: "p3"), is: other, at: caughtTime)
        expect(try await store.read(type: "Patient", id: "p1"), is: original, at: originalTime)
        #expect(try await store.history(HistoryQuery(scope: .system, count: 10)).total == 2)
    }
}
