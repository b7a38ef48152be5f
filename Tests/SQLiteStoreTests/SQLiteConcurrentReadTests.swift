import Foundation
import Store
import Testing
@testable import SQLiteStore

/// Many concurrent reads and searches (more than there are reader connections and cooperative threads) all
/// finish: no read may wait for a connection that a suspended task holds.
@Suite struct SQLiteConcurrentReadTests {
    @Test(.timeLimit(.minutes(1)))
    func moreConcurrentReadsThanConnectionsAllFinish() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteStore(path: directory.path("store.sqlite"))
        try await store.write { tx in
            for i in 0..<200 {
                try tx.put(NewVersion(
                    type: "Observation", id: "o\(i)", version: 1, method: .create,
                    content: Array(#"{"resourceType":"Observation","id":"o\#(i)"}"#.utf8), patientKey: "p\(i % 7)",
                    index: [.token(param: "code", system: "http://loinc.org", code: "c\(i % 5)")]))
            }
        }
        let finished = try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<256 {
                group.addTask {
                    // Point reads and multi-statement searches interleaved, as $everything does.
                    _ = try await store.read(type: "Observation", id: "o\(i % 200)")
                    let page = try await store.search(SearchQuery(type: nil, condition: .patientRecord(["p\(i % 7)"]), limit: 50))
                    _ = try await store.count(SearchQuery(type: "Observation", condition: .match(param: "code", .token(TokenValue(system: .any, code: "c\(i % 5)")))))
                    for resource in page.resources.prefix(5) {
                        _ = try await store.read(type: resource.type, id: resource.id)
                    }
                    return 1
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(finished == 256)
        try await store.close()
    }
}
