import Foundation
import FHIRCore
import Store
import Search

/// Test helpers: fixtures, and entries of one parameter.
enum Fixture {
    static func url(_ name: String) -> URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures").appendingPathComponent(name)
    }

    static func json(_ name: String) throws -> JSON {
        try JSON.parse(Array(try Data(contentsOf: url(name))))
    }
}

let base = "https://dossier.example/fhir"
let builder = IndexBuilder(baseURL: base)

func values(_ entries: [IndexEntry], _ param: String) -> [IndexValue] {
    entries.filter { $0.param == param }.map(\.value)
}

/// Microseconds of an ISO instant (tests only).
func micros(_ text: String) -> Int64 { SearchDate.range(text)!.low }

func resource(_ text: String) throws -> JSON { try JSON.parse(text) }
