import Foundation
import Store
import Testing

extension StoreConformance {
    /// Writes, one body each: a1, b1, o1-1, a2, o1-2 (deletion), a3, then c1 and d1 in one body.
    /// Returns the seven timestamps.
    private static func writeHistoryFixture(_ store: any FHIRStore) async throws -> [Date] {
        [
            try await put(store, version("Patient", "a", 1, patient: "a")),
            try await put(store, version("Patient", "b", 1, patient: "b")),
            try await put(store, version("Observation", "o1", 1, patient: "a")),
            try await put(store, version("Patient", "a", 2, patient: "a")),
            try await put(store, version("Observation", "o1", 2, method: .delete, patient: "a")),
            try await put(store, version("Patient", "a", 3, patient: "a")),
            try await put(store, version("Patient", "c", 1, patient: "c"), version("Patient", "d", 1, patient: "d")),
        ]
    }

    static func historyListsInstanceTypeAndSystemNewestFirst(_ store: any FHIRStore) async throws {
        let timestamps = try await writeHistoryFixture(store)

        let instance = try await store.history(HistoryQuery(scope: .instance(type: "Patient", id: "a"), count: 10))
        #expect(keys(instance.entries) == ["Patient/a/3", "Patient/a/2", "Patient/a/1"])
        #expect(instance.total == 3)
        #expect(instance.nextCursor == nil)
        expect(instance.entries.last, is: version("Patient", "a", 1, patient: "a"), at: timestamps[0])

        let patients = try await store.history(HistoryQuery(scope: .type("Patient"), count: 10))
        #expect(keys(patients.entries) == ["Patient/d/1", "Patient/c/1", "Patient/a/3", "Patient/a/2", "Patient/b/1", "Patient/a/1"]
            || keys(patients.entries) == ["Patient/c/1", "Patient/d/1", "Patient/a/3", "Patient/a/2", "Patient/b/1", "Patient/a/1"])
        #expect(patients.total == 6)

        let observations = try await store.history(HistoryQuery(scope: .type("Observation"), count: 10))
        #expect(keys(observations.entries) == ["Observation/o1/2", "Observation/o1/1"])
        #expect(observations.entries.first?.isDeleted == true)
        #expect(observations.entries.first?.method == .delete)
        expect(observations.entries.first, is: version("Observation", "o1", 2, method: .delete, patient: "a"), at: timestamps[4])

        let system = try await store.history(HistoryQuery(scope: .system, count: 10))
        #expect(Array(keys(system.entries).dropFirst(2)) == [
            "Patient/a/3", "Observation/o1/2", "Patient/a/2", "Observation/o1/1", "Patient/b/1", "Patient/a/1",
        ])
        #expect(Set(keys(system.entries).prefix(2)) == ["Patient/c/1", "Patient/d/1"])
        #expect(system.total == 8)
        #expect(system.nextCursor == nil)

        let totalOnly = try await store.history(HistoryQuery(scope: .system, count: 0))
        #expect(totalOnly.entries.isEmpty)
        #expect(totalOnly.total == 8)
        #expect(try await store.history(HistoryQuery(scope: .system, count: .max)).entries.count == 8)

        let unknown = try await store.history(HistoryQuery(scope: .instance(type: "Patient", id: "zz"), count: 10))
        #expect(unknown == HistoryPage(entries: [], total: 0, nextCursor: nil))
        let unknownType = try await store.history(HistoryQuery(scope: .type("Encounter"), count: 10))
        #expect(unknownType == HistoryPage(entries: [], total: 0, nextCursor: nil))
    }

    static func historyFiltersBySinceAndAt(_ store: any FHIRStore) async throws {
        let t = try await writeHistoryFixture(store)

        func history(_ scope: HistoryQuery.Scope = .system, since: Date? = nil, at: Date? = nil) async throws -> HistoryPage {
            try await store.history(HistoryQuery(scope: scope, since: since, at: at, count: 20))
        }
        // `since` is exclusive.
        let sinceThird = try await history(since: t[2])
        #expect(Array(keys(sinceThird.entries).dropFirst(2)) == ["Patient/a/3", "Observation/o1/2", "Patient/a/2"])
        #expect(sinceThird.total == 5)
        // `at` is inclusive.
        let atThird = try await history(at: t[2])
        #expect(keys(atThird.entries) == ["Observation/o1/1", "Patient/b/1", "Patient/a/1"])
        #expect(atThird.total == 3)
        let between = try await history(since: t[1], at: t[4])
        #expect(keys(between.entries) == ["Observation/o1/2", "Patient/a/2", "Observation/o1/1"])
        #expect(between.total == 3)
        let instance = try await history(.instance(type: "Patient", id: "a"), since: t[0])
        #expect(keys(instance.entries) == ["Patient/a/3", "Patient/a/2"])
        let type = try await history(.type("Patient"), since: t[0], at: t[5])
        #expect(keys(type.entries) == ["Patient/a/3", "Patient/a/2", "Patient/b/1"])
        #expect(type.total == 3)

        // Versions written by one body share its instant: `since` it excludes both, `at` it includes both.
        #expect(try await history(since: t[6]).total == 0)
        #expect(try await history(since: t[5]).total == 2)
        #expect(try await history(at: t[6]).total == 8)
        #expect(try await history(at: t[5]).total == 6)

        #expect(try await history(at: t[0].addingTimeInterval(-1)) == HistoryPage(entries: [], total: 0, nextCursor: nil))
        #expect(try await history(since: t[6].addingTimeInterval(3600)).total == 0)
        #expect(try await history(since: t[0].addingTimeInterval(-3600)).total == 8)
    }

    static func historyPagingStaysConsistentWhileWritesArrive(_ store: any FHIRStore) async throws {
        for number in 0..<25 {
            try await put(store, version("Patient", "p\(number)", 1, patient: "p\(number)"))
        }
        let everything = try await store.history(HistoryQuery(scope: .system, count: 100))
        #expect(everything.entries.count == 25)

        // Pinned paging (`at` = the newest entry of the first page), as a server does it.
        var pinned = try await store.history(HistoryQuery(scope: .system, count: 7))
        let pin = try #require(pinned.entries.first?.lastUpdated)
        var pages = [pinned.entries]
        var writes = 0
        while let cursor = pinned.nextCursor {
            // New versions arrive between pages.
            try await put(store, version("Patient", "p\(writes)", 2, patient: "p\(writes)"))
            writes += 1
            pinned = try await store.history(HistoryQuery(scope: .system, at: pin, count: 7, cursor: cursor))
            #expect(pinned.total == 25)
            pages.append(pinned.entries)
            if pages.count > 10 { break }
        }
        #expect(pages.map(\.count) == [7, 7, 7, 4])
        #expect(pages.flatMap { $0 } == everything.entries)

        // Unpinned paging: the cursor alone keeps later pages where they were; the total counts the new versions.
        let firstTypePage = try await store.history(HistoryQuery(scope: .type("Patient"), count: 20))
        let beforeWrite = try await store.history(HistoryQuery(scope: .type("Patient"), count: 100))
        try await put(store, version("Patient", "late", 1))
        let typeCursor = firstTypePage.nextCursor
        #expect(typeCursor != nil)
        let secondTypePage = try await store.history(HistoryQuery(scope: .type("Patient"), count: 20, cursor: typeCursor))
        #expect(firstTypePage.entries + secondTypePage.entries == beforeWrite.entries)
        #expect(secondTypePage.total == beforeWrite.total + 1)
        #expect(secondTypePage.nextCursor == nil)

        // Instance history, one version a page.
        var instancePage = try await store.history(HistoryQuery(scope: .instance(type: "Patient", id: "p0"), count: 1))
        var instanceVersions = keys(instancePage.entries)
        while let cursor = instancePage.nextCursor, instanceVersions.count < 5 {
            instancePage = try await store.history(
                HistoryQuery(scope: .instance(type: "Patient", id: "p0"), count: 1, cursor: cursor))
            instanceVersions += keys(instancePage.entries)
        }
        #expect(instanceVersions == ["Patient/p0/2", "Patient/p0/1"])
    }
}
