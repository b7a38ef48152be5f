import Foundation
import Store
import Testing

extension StoreConformance {
    /// The change feed lists every committed version oldest first, resumes strictly after a cursor, honours its
    /// limit, includes deletions, and keeps concurrent commits in one order with no number repeated.
    static func changesFollowCommitOrderFromACursor(_ store: any FHIRStore) async throws {
        #expect(try await store.changes(after: 0, limit: 10).isEmpty)
        #expect(try await store.lastChangeSequence() == 0)
        _ = try await put(store, version("Patient", "a", 1, patient: "a"))
        _ = try await put(store, version("Observation", "o1", 1, patient: "a"))
        _ = try await put(store, version("Observation", "o1", 2, method: .delete, patient: "a"))
        _ = try await put(store, version("Patient", "c", 1, patient: "c"), version("Patient", "d", 1, patient: "d"))

        let all = try await store.changes(after: 0, limit: 100)
        #expect(keys(all.map(\.resource)) == ["Patient/a/1", "Observation/o1/1", "Observation/o1/2", "Patient/c/1", "Patient/d/1"])
        #expect(zip(all, all.dropFirst()).allSatisfy { $0.sequence < $1.sequence })
        #expect(all[2].resource.isDeleted)

        let firstTwo = try await store.changes(after: 0, limit: 2)
        #expect(firstTwo == Array(all.prefix(2)))
        let rest = try await store.changes(after: firstTwo[1].sequence, limit: 100)
        #expect(rest == Array(all.dropFirst(2)))
        #expect(try await store.changes(after: all[4].sequence, limit: 100).isEmpty)
        #expect(try await store.lastChangeSequence() == all[4].sequence)
        #expect(try await store.changes(after: 0, limit: 0).isEmpty)

        // Concurrent writers: the feed read in pages while they commit sees each version exactly once, in order.
        let cursorStart = all[4].sequence
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<20 {
                group.addTask { _ = try await put(store, version("Patient", "w\(i)", 1, patient: "w\(i)")) }
            }
            try await group.waitForAll()
        }
        var cursor = cursorStart
        var seen: [StoreChange] = []
        while true {
            let page = try await store.changes(after: cursor, limit: 3)
            guard let last = page.last else { break }
            seen += page
            cursor = last.sequence
        }
        #expect(seen.count == 20)
        #expect(Set(seen.map(\.resource.id)).count == 20)
        #expect(zip(seen, seen.dropFirst()).allSatisfy { $0.sequence < $1.sequence })
        #expect(zip(seen, seen.dropFirst()).allSatisfy { $0.resource.lastUpdated <= $1.resource.lastUpdated })
    }
}
