import SQLiteStore
import StoreConformance
import Testing

/// The store conformance suite, run against a real database file.
@Test(arguments: StoreConformanceCase.allCases)
func sqliteStoreConforms(_ behaviour: StoreConformanceCase) async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    // A nested folder checks that the store creates the folders of its path.
    try await StoreConformance.run(behaviour) { try SQLiteStore(path: directory.path("data/store.sqlite")) }
}
