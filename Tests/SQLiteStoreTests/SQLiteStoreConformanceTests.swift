import SQLiteStore
import StoreConformance
import Testing

/// The store conformance suite, run against a real database file, with checkpoints in the background (the
/// default) and on the writer.
@Test(arguments: StoreConformanceCase.allCases, [true, false])
func sqliteStoreConforms(_ behaviour: StoreConformanceCase, backgroundCheckpoints: Bool) async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    var configuration = SQLiteStore.Configuration()
    if backgroundCheckpoints {
        configuration.checkpointDelay = .milliseconds(1) // checkpoints run while the case writes and reads
    } else {
        configuration.checkpointDelay = nil
    }
    // A nested folder checks that the store creates the folders of its path.
    try await StoreConformance.run(behaviour) {
        try SQLiteStore(path: directory.path("data/store.sqlite"), configuration: configuration)
    }
}
