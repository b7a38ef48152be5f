import Foundation
import Store
import Testing
@testable import SQLiteStore

/// The cost of index entries at import: puts per second of Observation-like resources with token entries only,
/// and with the entries the IndexBuilder will produce (references, dates, a quantity, composites, text).
/// Runs only with `DOSSIER_INDEX_BENCHMARK=1` (build with `-c release` for meaningful figures).
@Test(.enabled(if: ProcessInfo.processInfo.environment["DOSSIER_INDEX_BENCHMARK"] != nil))
func indexInsertCost() async throws {
    let loinc = "http://loinc.org"
    @Sendable func tokens(_ i: Int) -> [IndexEntry] {
        [.token(param: "code", system: loinc, code: "\(i % 300)"), .token(param: "status", system: nil, code: "final"),
         .token(param: "category", system: "http://terminology.hl7.org/CodeSystem/observation-category", code: "vital-signs"),
         .token(param: "_id", system: nil, code: "o\(i)"), .token(param: "identifier", system: "urn:x", code: "\(i)"),
         .token(param: "combo-code", system: loinc, code: "\(i % 300)")]
    }
    @Sendable func full(_ i: Int) -> [IndexEntry] {
        let t = Int64(i) * 1_000_000_000
        let quantity = IndexValue.quantity(QuantityValue(number: NumberRange(value: Double(i % 100), low: Double(i % 100) - 0.5, high: Double(i % 100) + 0.5),
                                                         system: "http://unitsofmeasure.org", code: "mg", unit: "mg"))
        return tokens(i) + [
            IndexEntry(param: "subject", value: .reference(.local("Patient", "p\(i / 100)"))),
            IndexEntry(param: "patient", value: .reference(.local("Patient", "p\(i / 100)"))),
            IndexEntry(param: "encounter", value: .reference(.local("Encounter", "e\(i / 10)"))),
            IndexEntry(param: "date", value: .date(DateRange(low: t, high: t + 999_999))),
            IndexEntry(param: "value-quantity", value: quantity),
            IndexEntry(param: "code", value: .tokenText("body weight")),
            IndexEntry(param: "code-value-quantity", value: .composite([.token(system: loinc, code: "\(i % 300)"), quantity])),
            IndexEntry(param: "combo-code-value-quantity", value: .composite([.token(system: loinc, code: "\(i % 300)"), quantity])),
        ]
    }
    for (name, entries) in [("tokens only", tokens), ("all kinds", full)] as [(String, @Sendable (Int) -> [IndexEntry])] {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteStore(path: directory.path("store.sqlite"))
        let count = 20_000, batch = 500
        let start = ContinuousClock.now
        for b in 0..<(count / batch) {
            try await store.write { tx in
                for i in (b * batch)..<((b + 1) * batch) {
                    try tx.put(NewVersion(type: "Observation", id: "o\(i)", version: 1, method: .create,
                                          content: Array(repeating: 0x20, count: 1500), patientKey: "p\(i / 100)", index: entries(i)))
                }
            }
        }
        let seconds = (ContinuousClock.now - start) / .seconds(1)
        print("index-insert \(name): \(Int(Double(count) / seconds)) puts/s (\(entries(0).count) entries each)")
        try await store.close()
    }
}
