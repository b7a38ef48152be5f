import FHIRServer

/// Loads the files of an ``ImportPlan`` through a ``BundleSink`` with a small bounded pipeline: one task reads and
/// decompresses files ahead (at most `readAhead` pieces of work buffered), while up to `concurrency` Bundles are
/// in flight to the sink. Steps of the plan are kept apart: a step's Bundles all complete before the next starts.
struct Importer {
    let plan: ImportPlan
    /// `nil` for a dry run: files are read, decompressed and checked, entries counted, nothing is sent.
    let sink: (any BundleSink)?
    let report: ImportReport
    var concurrency = 2
    var readAhead = 3
    /// Resources per Bundle made from NDJSON lines.
    var ndjsonChunkSize = 500

    /// Runs the import; throws only when the sink cannot be reached at all (the tally is in ``report``).
    func run() async throws {
        let channel = BoundedChannel<ImportWork>(capacity: readAhead)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                await read(into: channel)
                await channel.close()
            }
            group.addTask {
                do {
                    try await send(from: channel)
                } catch {
                    await channel.cancel()
                    throw error
                }
            }
            try await group.waitForAll()
        }
    }

    /// The reading side: turns each file into work, in plan order.
    private func read(into channel: BoundedChannel<ImportWork>) async {
        for file in plan.files {
            let phase = ImportPlan.phase(of: file)
            if let problem = file.problem {
                guard await channel.send(ImportWork(file: file, phase: phase, isLastOfFile: true, payload: .unusable(message: problem))) else { return }
                continue
            }
            do {
                switch file.format {
                case .bundle:
                    if file.resourceType != "Bundle" {
                        throw ImportError.content("not a Bundle (resourceType \(file.resourceType ?? "missing"))")
                    }
                    guard file.bundleType == "batch" || file.bundleType == "transaction" else {
                        throw ImportError.content("a Bundle of type \(file.bundleType ?? "(none)"), not batch or transaction")
                    }
                    let source = try openChunkSource(path: file.path)
                    let bytes = try source.readAll()
                    guard await channel.send(ImportWork(file: file, phase: phase, isLastOfFile: true, payload: .bundle(bytes))) else { return }
                case .ndjson:
                    let lines = LineReader(source: try openChunkSource(path: file.path))
                    var chunk = NDJSONChunk()
                    while let line = try lines.nextLine() {
                        chunk.add(number: line.number, bytes: line.bytes)
                        if chunk.count >= ndjsonChunkSize {
                            guard await channel.send(ImportWork(file: file, phase: phase, isLastOfFile: false, payload: .ndjson(chunk))) else { return }
                            chunk = NDJSONChunk()
                        }
                    }
                    // The file's last piece (possibly empty), after which the file counts as done.
                    guard await channel.send(ImportWork(file: file, phase: phase, isLastOfFile: true, payload: .ndjson(chunk))) else { return }
                }
            } catch {
                guard await channel.send(ImportWork(file: file, phase: phase, isLastOfFile: true, payload: .unusable(message: "\(error)"))) else { return }
            }
        }
    }

    /// The sending side: at most `concurrency` pieces of work at once, steps kept apart.
    private func send(from channel: BoundedChannel<ImportWork>) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            var inFlight = 0
            var currentPhase: Int?
            while let work = await channel.receive() {
                if currentPhase != work.phase {
                    while inFlight > 0 { try await group.next(); inFlight -= 1 }
                    currentPhase = work.phase
                }
                if inFlight >= concurrency { try await group.next(); inFlight -= 1 }
                group.addTask { try await process(work) }
                inFlight += 1
            }
            try await group.waitForAll()
        }
    }

    /// Sends one piece of work and records what happened.
    private func process(_ work: ImportWork) async throws {
        defer { if work.isLastOfFile { report.fileDone() } }
        let path = work.file.path
        switch work.payload {
        case .unusable(let message):
            report.failed(1, messages: ["\(path): \(message)"])
        case .bundle(let bytes):
            guard let sink else {
                switch JSONPeek.topLevel(bytes, countEntries: true) {
                case .fields(let fields): report.stored(fields.entryCount ?? 0)
                case .truncated: report.failed(1, messages: ["\(path): not valid JSON: unexpected end of file"])
                case .invalid(let message): report.failed(1, messages: ["\(path): not valid JSON: \(message)"])
                }
                return
            }
            let response = try await sink.submit(bytes)
            var names: [String]?
            let entryCount: Int
            if (200..<300).contains(response.status) {
                entryCount = 0  // taken from the response
            } else if case .fields(let fields) = JSONPeek.topLevel(bytes, countEntries: true) {
                entryCount = max(1, fields.entryCount ?? 1)
            } else {
                entryCount = 1
            }
            let outcome = BundleOutcome(response: response, entryCount: entryCount) { index in
                if names == nil { names = BundleOutcome.entryNames(ofBundle: bytes) }
                return names.flatMap { $0.indices.contains(index) ? $0[index] : nil } ?? "entry \(index + 1)"
            }
            report.stored(outcome.succeeded)
            let prefix = outcome.wholeBundleFailed ? "\(path) (\(work.file.bundleType ?? "bundle"), nothing stored)" : path
            report.failed(outcome.failed, messages: outcome.messages.map { "\(prefix): \($0)" })
        case .ndjson(let chunk):
            report.failed(chunk.rejected.count, messages: chunk.rejected.map { "\(path):\($0.number): \($0.message)" })
            guard !chunk.lines.isEmpty else { return }
            guard let sink else { report.stored(chunk.lines.count); return }
            let describe = { (index: Int) in
                chunk.lines.indices.contains(index)
                    ? "line \(chunk.lines[index].number) (\(chunk.lines[index].resourceType)/\(chunk.lines[index].id ?? "new"))"
                    : "entry \(index + 1)"
            }
            // All lines in one transaction (one commit); if it is refused, again as a batch so that only the bad
            // lines fail.
            let transaction = try await sink.submit(chunk.bundle(type: "transaction"))
            if (200..<300).contains(transaction.status) {
                let outcome = BundleOutcome(response: transaction, entryCount: chunk.lines.count, describe: describe)
                report.stored(outcome.succeeded)
                report.failed(outcome.failed, messages: outcome.messages.map { "\(path): \($0)" })
                return
            }
            let batch = try await sink.submit(chunk.bundle(type: "batch"))
            let outcome = BundleOutcome(response: batch, entryCount: chunk.lines.count, describe: describe)
            report.stored(outcome.succeeded)
            report.failed(outcome.failed, messages: outcome.messages.map { "\(path): \($0)" })
        }
    }
}
