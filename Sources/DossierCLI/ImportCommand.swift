import ArgumentParser
import Foundation
import Logging

/// `dossier import`: loads FHIR Bundles and NDJSON files into the embedded database or a running server.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Load FHIR batch/transaction Bundles and NDJSON files.",
        discussion: """
            Reads .json and .ndjson files, bzip2-compressed or not (.json.bz2, .ndjson.bz2); folders are searched \
            recursively. A .json file must hold a batch or transaction Bundle; each NDJSON line is one resource, \
            stored under its own id (PUT Type/id), 500 lines per transaction.

            Files are loaded in an order that lets references resolve: Synthea's hospitalInformation and then \
            practitionerInformation bundles, other batch Bundles, NDJSON files (shared resource types first), then \
            transaction Bundles.

            By default the data goes into the same database `dossier serve` uses with no flags (./dossier-data); \
            with --server it is posted to a running server instead. Every entry's response status is checked; \
            the first failures are printed and the exit status is 1 if anything failed.
            """
    )

    @Argument(help: ArgumentHelp("Files or folders to load.", valueName: "file-or-folder"))
    var paths: [String]

    @Option(help: "The data folder of the embedded database to load into. (default: ./\(DataDirectory.defaultPath), as for `dossier serve`)")
    var dataDir: String?

    @Option(help: ArgumentHelp("Post to this running server's FHIR base URL instead of opening a database.",
                               valueName: "url"))
    var server: String?

    @Option(help: ArgumentHelp("The bearer token for --server (default: the DOSSIER_TOKEN environment variable), e.g. from `dossier token --admin`.", valueName: "token"))
    var token: String?

    @Option(help: "How many Bundles are sent at once.")
    var concurrency = 2

    @Flag(help: "List the files in loading order, then read, decompress and check them and count their resources, without loading anything.")
    var dryRun = false

    @Flag(name: .shortAndLong, help: "No progress display; only failures and the final summary.")
    var quiet = false

    @Option(help: "Log level: trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .warning

    func validate() throws {
        if dataDir != nil && server != nil { throw ValidationError("Give either --data-dir or --server, not both.") }
        guard (1...64).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 64.") }
    }

    func run() async throws {
        bootstrapLogging(level: logLevel)
        let display = ProgressDisplay(quiet: quiet)
        let plan = try ImportPlan.build(arguments: paths)
        guard !plan.files.isEmpty else {
            throw ValidationError("No .json, .json.bz2, .ndjson or .ndjson.bz2 files found in \(paths.joined(separator: ", ")).")
        }

        let sink: (any BundleSink)?
        let destination: String
        if dryRun {
            for file in plan.files {
                let kind = file.format == .ndjson ? "ndjson \(file.resourceType ?? "?")" : (file.bundleType ?? "?")
                Terminal.writeOutput("step \(ImportPlan.phase(of: file) + 1)  \(kind)  \(file.path)\n")
            }
            sink = nil
            destination = "nowhere (dry run)"
        } else if let server {
            let remote = try RemoteSink(baseURL: server, token: token ?? ProcessInfo.processInfo.environment["DOSSIER_TOKEN"])
            sink = remote
            destination = remote.baseURL
        } else {
            let dataDirectory = DataDirectory(dataDir ?? DataDirectory.defaultPath)
            sink = try InProcessSink(dataDirectory: dataDirectory, logger: Logger(label: "dossier.import"))
            destination = dataDirectory.databasePath
        }
        if !quiet { Terminal.writeError("Importing \(plan.files.count) files into \(destination)\n") }

        let report = ImportReport(filesTotal: plan.files.count) { display.message($0) }
        let importer = Importer(plan: plan, sink: sink, report: report, concurrency: concurrency)
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: display.interval)
                if !Task.isCancelled { display.show(report.snapshot) }
            }
        }
        var fatal: Error?
        do {
            try await importer.run()
        } catch {
            fatal = error
        }
        ticker.cancel()
        display.finish()
        try? await sink?.shutdown()

        let s = report.snapshot
        if report.messagesHidden > 0 {
            display.message("... \(grouped(report.messagesHidden)) more failure messages not shown")
        }
        let verb = dryRun ? "Read" : "Imported"
        // Plain numbers (no separators), so that scripts can read the line.
        Terminal.writeOutput("\(verb) \(s.resources) resources from \(s.filesDone) of \(s.filesTotal) files in "
            + "\(oneDecimal(s.seconds)) s (\(Int(s.resourcesPerSecond)) resources/s); \(s.failures) failed"
            + (fatal == nil ? ".\n" : "; stopped early.\n"))
        if let fatal {
            display.message("import stopped: \(fatal)")
            throw ExitCode(2)
        }
        if s.failures > 0 { throw ExitCode(1) }
    }
}
