// BenchCeiling: the machine's ceiling for Dossier's benchmarks, measured in the same run as Dossier's figures.
//
//   BenchCeiling http [--host H] [--port P]      a bare Hummingbird endpoint (GET / -> small fixed JSON) for wrk
//   BenchCeiling sqlite [--dir D] [--seconds S]  raw SQLite (GRDB, WAL) inserts, durable commits and point reads
//
// Figures are printed on standard output as `name value unit` lines.
import Foundation

let usage = """
    usage: BenchCeiling http [--host 127.0.0.1] [--port 8081]
           BenchCeiling sqlite [--dir DIR] [--seconds 3] [--rows 200000] [--blob-bytes 2048]

      http    serves GET / with a small fixed JSON body until SIGINT/SIGTERM (measure it with wrk)
      sqlite  measures raw SQLite through GRDB in DIR (default: a new temporary folder, removed afterwards):
              batched inserts (rows/s), single-row transactions with synchronous=FULL (tx/s),
              point reads by primary key (reads/s); prints `name value unit` lines
    """

/// The value of option `--name` in `arguments`, if given.
func option(_ name: String, in arguments: [String]) -> String? {
    guard let index = arguments.firstIndex(of: "--\(name)"), arguments.indices.contains(index + 1) else { return nil }
    return arguments[index + 1]
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("\(message)\n\n\(usage)\n".utf8))
    exit(64)
}

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "http":
    let host = option("host", in: arguments) ?? "127.0.0.1"
    guard let port = Int(option("port", in: arguments) ?? "8081") else { fail("--port must be a number") }
    try await HTTPCeiling(host: host, port: port).run()
case "sqlite":
    var benchmark = SQLiteCeiling()
    if let dir = option("dir", in: arguments) { benchmark.directory = dir }
    if let s = option("seconds", in: arguments) {
        guard let seconds = Double(s), seconds > 0 else { fail("--seconds must be a positive number") }
        benchmark.seconds = seconds
    }
    if let r = option("rows", in: arguments) {
        guard let rows = Int(r), rows > 0 else { fail("--rows must be a positive number") }
        benchmark.batchedRows = rows
    }
    if let b = option("blob-bytes", in: arguments) {
        guard let bytes = Int(b), bytes > 0 else { fail("--blob-bytes must be a positive number") }
        benchmark.blobBytes = bytes
    }
    try benchmark.run()
case "-h", "--help", "help":
    print(usage)
default:
    fail("expected a subcommand: http or sqlite")
}
