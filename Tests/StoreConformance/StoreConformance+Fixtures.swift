import Foundation
import Store
import Testing

/// The error a test body throws on purpose.
struct IntentionalFailure: Error, Equatable {}

extension StoreConformance {
    /// A version to put: content is a small JSON text naming the resource (the store never parses it);
    /// a deletion has no content.
    static func version(
        _ type: String, _ id: String, _ version: Int,
        method: WriteMethod? = nil, patient: String = "", tokens: [IndexEntry] = [], note: String = ""
    ) -> NewVersion {
        let method = method ?? (version == 1 ? .create : .update)
        let content = method == .delete
            ? []
            : Array(#"{"resourceType":"\#(type)","id":"\#(id)","meta":{"versionId":"\#(version)"},"note":"\#(note)"}"#.utf8)
        return NewVersion(
            type: type, id: id, version: version, method: method, content: content, patientKey: patient,
            index: tokens)
    }

    /// A token index entry.
    static func token(_ param: String, _ system: String?, _ code: String) -> IndexEntry {
        .token(param: param, system: system, code: code)
    }

    /// Puts `versions` in one write and returns the transaction's timestamp.
    @discardableResult
    static func put(_ store: any FHIRStore, _ versions: NewVersion...) async throws -> Date {
        try await store.write { transaction in
            for version in versions { try transaction.put(version) }
            return transaction.timestamp
        }
    }

    /// `Type/id/version` of each resource, for compact comparisons.
    static func keys(_ resources: [StoredResource]) -> [String] {
        resources.map { "\($0.type)/\($0.id)/\($0.version)" }
    }

    /// `Type/id` of each resource.
    static func ids(_ page: SearchPage) -> [String] { ids(page.resources) }

    static func ids(_ resources: [StoredResource]) -> [String] {
        resources.map { "\($0.type)/\($0.id)" }
    }

    /// Whether two instants are the same to the microsecond (backends keep microseconds).
    static func sameInstant(_ a: Date, _ b: Date) -> Bool {
        abs(a.timeIntervalSince(b)) < 0.000_000_5
    }

    /// Checks that `stored` is exactly what `written` wrote at `timestamp`.
    static func expect(
        _ stored: StoredResource?, is written: NewVersion, at timestamp: Date,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard let stored else {
            Issue.record("\(written.type)/\(written.id)/\(written.version) was not found", sourceLocation: sourceLocation)
            return
        }
        #expect(stored.type == written.type, sourceLocation: sourceLocation)
        #expect(stored.id == written.id, sourceLocation: sourceLocation)
        #expect(stored.version == written.version, sourceLocation: sourceLocation)
        #expect(stored.method == written.method, sourceLocation: sourceLocation)
        #expect(stored.content == written.content, sourceLocation: sourceLocation)
        #expect(stored.patientKey == written.patientKey, sourceLocation: sourceLocation)
        #expect(sameInstant(stored.lastUpdated, timestamp),
                "lastUpdated \(stored.lastUpdated) is not the transaction's \(timestamp)", sourceLocation: sourceLocation)
    }
}

extension SearchPage {
    /// Whether the page has no resources.
    var isEmpty: Bool { resources.isEmpty }
}
