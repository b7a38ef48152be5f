// IndexBuilder throughput on one core: index entries of every resource of the Synthea bundles in data/synthea.
// Compiled and run by benchmarks/index-builder.sh against the release build of the Search target (not a SwiftPM
// target: the package has no benchmark executables besides BenchCeiling).
import Foundation
import FHIRCore
import Search

let arguments = CommandLine.arguments
let folder = URL(fileURLWithPath: arguments.count > 1 ? arguments[1] : "data/synthea")
let limit = arguments.count > 2 ? Int(arguments[2]) ?? 40 : 40

var resources: [(JSON, String)] = []
let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json.bz2") }.sorted().prefix(limit)
for file in files {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["bzip2", "-dc", folder.appendingPathComponent(file).path]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let bundle = try JSON.parse(Array(data), limits: JSONLimits(maxDepth: 100))
    for entry in bundle["entry"]?.arrayValue ?? [] {
        if let r = entry["resource"], let t = r["resourceType"]?.stringValue { resources.append((r, t)) }
    }
}

let builder = IndexBuilder(baseURL: "https://dossier.example/fhir")
for (r, t) in resources.prefix(3000) { _ = builder.entries(for: r, type: t) }  // compile the expressions, warm up

/// This thread's CPU time in seconds: unlike wall time, not inflated when other processes share the cores.
func cpuSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

var best = 0.0, bestCPU = 0.0
var entries = 0
for _ in 0..<3 {
    entries = 0
    let start = Date(), startCPU = cpuSeconds()
    for (r, t) in resources { entries += builder.entries(for: r, type: t).count }
    best = max(best, Double(resources.count) / Date().timeIntervalSince(start))
    bestCPU = max(bestCPU, Double(resources.count) / (cpuSeconds() - startCPU))
}
print("IndexBuilder: \(resources.count) resources from \(files.count) bundles, \(entries) entries; best of 3 runs: \(Int(best)) resources/s wall time, \(Int(bestCPU)) resources/s per CPU-second (one core)")
