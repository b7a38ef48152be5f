import Foundation
import Store
import Testing

extension StoreConformance {
    static func throwingBodyChangesNothing(_ store: any FHIRStore) async throws {
        let kept = version("Patient", "kept", 1, tokens: [token("gender", nil, "male")])
        let keptTime = try await put(store, kept)

        await #expect(throws: IntentionalFailure()) {
            try await store.write { transaction in
                try transaction.put(version("Patient", "new", 1, tokens: [token("gender", nil, "female")]))
                try transaction.put(version("Patient", "kept", 2, tokens: [token("gender", nil, "female")]))
                throw IntentionalFailure()
            }
        }

        #expect(try await store.read(type: "Patient", id: "new") == nil)
        expect(try await store.read(type: "Patient", id: "kept"), is: kept, at: keptTime)
        let female = SearchQuery(type: "Patient", tokens: [TokenCondition(param: "gender", values: [
            TokenValue(system: .any, code: "female"),
        ])])
        #expect(try await store.search(female).isEmpty)
        #expect(try await store.history(HistoryQuery(scope: .system, count: 10)).total == 1)
        // The rolled-back versions left nothing behind: the same versions can be written now.
        try await put(store, version("Patient", "new", 1), version("Patient", "kept", 2))
        #expect(try await store.read(type: "Patient", id: "kept")?.version == 2)
    }

    static func readsInsideTransactionSeeEarlierPuts(_ store: any FHIRStore) async throws {
        let codeA = SearchQuery(type: "Observation", tokens: [TokenCondition(param: "code", values: [
            TokenValue(system: .exactly("http://loinc.org"), code: "A"),
        ])])
        let codeB = SearchQuery(type: "Observation", tokens: [TokenCondition(param: "code", values: [
            TokenValue(system: .exactly("http://loinc.org"), code: "B"),
        ])])
        let timestamp = try await store.write { transaction in
            #expect(try transaction.read(type: "Observation", id: "o1") == nil)
            try transaction.put(version("Observation", "o1", 1, patient: "p1", tokens: [token("code", "http://loinc.org", "A")]))
            let first = try #require(try transaction.read(type: "Observation", id: "o1"))
            #expect(first.version == 1)
            #expect(sameInstant(first.lastUpdated, transaction.timestamp))
            #expect(ids(try transaction.search(codeA)) == ["Observation/o1"])

            try transaction.put(version("Observation", "o1", 2, patient: "p1", tokens: [token("code", "http://loinc.org", "B")]))
            #expect(try transaction.read(type: "Observation", id: "o1")?.version == 2)
            #expect(try transaction.search(codeA).isEmpty)
            #expect(ids(try transaction.search(codeB)) == ["Observation/o1"])

            try transaction.put(version("Observation", "o1", 3, method: .delete, patient: "p1"))
            #expect(try transaction.read(type: "Observation", id: "o1")?.isDeleted == true)
            #expect(try transaction.search(codeB).isEmpty)
            return transaction.timestamp
        }
        // Every version a body writes carries the body's timestamp.
        for number in 1...3 {
            let stored = try #require(try await store.vread(type: "Observation", id: "o1", version: number))
            #expect(sameInstant(stored.lastUpdated, timestamp))
        }
        // A later body sees what the earlier one committed.
        try await store.write { transaction in
            #expect(try transaction.read(type: "Observation", id: "o1")?.version == 3)
            try transaction.put(version("Observation", "o1", 4, tokens: [token("code", "http://loinc.org", "A")]))
        }
        #expect(ids(try await store.search(codeA)) == ["Observation/o1"])
    }

    static func timestampsStrictlyIncrease(_ store: any FHIRStore) async throws {
        var previous: Date?
        for number in 0..<30 {
            // Bodies that write nothing get a timestamp too.
            let timestamp = try await store.write { transaction in
                if number.isMultiple(of: 2) { try transaction.put(version("Patient", "p\(number)", 1)) }
                return transaction.timestamp
            }
            if let previous { #expect(timestamp > previous) }
            previous = timestamp
        }
    }

    static func concurrentWritesAllLandWithDistinctIncreasingTimestamps(_ store: any FHIRStore) async throws {
        let count = 200
        let timestamps = try await withThrowingTaskGroup(of: (Int, Date).self) { group in
            for number in 0..<count {
                group.addTask {
                    (number, try await put(store, version("Patient", "c\(number)", 1, patient: "c\(number)")))
                }
            }
            var timestamps: [Int: Date] = [:]
            for try await (number, timestamp) in group { timestamps[number] = timestamp }
            return timestamps
        }
        #expect(Set(timestamps.values).count == count)
        for number in 0..<count {
            let stored = try await store.read(type: "Patient", id: "c\(number)")
            expect(stored, is: version("Patient", "c\(number)", 1, patient: "c\(number)"), at: try #require(timestamps[number]))
        }
        let history = try await store.history(HistoryQuery(scope: .system, count: count + 1))
        #expect(history.total == count)
        #expect(history.entries.count == count)
        #expect(history.nextCursor == nil)
        // Newest first, every write its own instant.
        for (newer, older) in zip(history.entries, history.entries.dropFirst()) {
            #expect(newer.lastUpdated > older.lastUpdated)
        }
    }

    static func failingBodiesInAGroupDoNotAffectTheOthers(_ store: any FHIRStore) async throws {
        try await put(store, version("Patient", "existing", 1))
        let count = 64
        // Launched together, so that backends with group commit run many of them in one transaction.
        let outcomes = await withTaskGroup(of: (Int, Result<Date, any Error>).self) { group in
            for number in 0..<count {
                group.addTask {
                    do {
                        return (number, .success(try await store.write { transaction in
                            try transaction.put(version("Patient", "g\(number)", 1))
                            switch number % 8 {
                            case 3: throw IntentionalFailure()
                            case 5: try transaction.put(version("Patient", "existing", 1)) // conflict
                            default: break
                            }
                            return transaction.timestamp
                        }))
                    } catch {
                        return (number, .failure(error))
                    }
                }
            }
            var outcomes: [Int: Result<Date, any Error>] = [:]
            for await (number, outcome) in group { outcomes[number] = outcome }
            return outcomes
        }
        for number in 0..<count {
            let stored = try await store.read(type: "Patient", id: "g\(number)")
            switch (number % 8, outcomes[number]) {
            case (3, .failure(let error)?):
                #expect(error as? IntentionalFailure != nil, "body \(number) failed with \(error)")
                #expect(stored == nil)
            case (5, .failure(let error)?):
                #expect(error as? StoreError == .versionConflict(type: "Patient", id: "existing", expected: 2, found: 1))
                #expect(stored == nil)
            case (let kind, .success(let timestamp)?) where kind != 3 && kind != 5:
                expect(stored, is: version("Patient", "g\(number)", 1), at: timestamp)
            case (_, let outcome):
                Issue.record("body \(number) ended with \(String(describing: outcome))")
            }
        }
        #expect(try await store.read(type: "Patient", id: "existing")?.version == 1)
        #expect(try await store.history(HistoryQuery(scope: .system, count: 1)).total == 1 + count * 6 / 8)
    }

    static func closedStoreRejectsCalls(_ store: any FHIRStore) async throws {
        try await put(store, version("Patient", "p1", 1))
        try await store.close()
        await #expect(throws: (any Error).self) { try await store.read(type: "Patient", id: "p1") }
        await #expect(throws: (any Error).self) { try await store.search(SearchQuery(type: "Patient")) }
        await #expect(throws: (any Error).self) { try await put(store, version("Patient", "p2", 1)) }
    }
}
