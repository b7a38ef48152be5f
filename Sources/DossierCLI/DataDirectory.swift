import Foundation
import SQLiteStore
import Store

/// The local data folder shared by `serve` and `import`: the embedded SQLite database lives inside it.
struct DataDirectory {
    /// The folder used when no `--data-dir` is given, relative to the current directory.
    static let defaultPath = "dossier-data"
    /// The database file name inside the folder.
    static let databaseFileName = "dossier.sqlite"

    /// The folder, as an absolute path.
    let path: String

    /// Resolves `path` (relative paths against the current directory).
    init(_ path: String) {
        let url = URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL
        self.path = url.path
    }

    /// The SQLite database file inside the folder.
    var databasePath: String { (path as NSString).appendingPathComponent(Self.databaseFileName) }

    /// Creates the folder if needed and opens the embedded store in it.
    func openStore() throws -> SQLiteStore {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return try SQLiteStore(path: databasePath)
    }
}
