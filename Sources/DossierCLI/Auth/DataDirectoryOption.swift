import ArgumentParser

/// The data-folder option of the administration commands: the same default and flag as `serve` (`--data-dir`),
/// also spelled `--data`.
struct DataDirectoryOption: ParsableArguments {
    @Option(name: [.customLong("data-dir"), .customLong("data")],
            help: "The server's data folder (auth.sqlite and the signing key inside it).")
    var dataDir = DataDirectory.defaultPath

    /// The folder.
    var directory: DataDirectory { DataDirectory(dataDir) }
}
