import Foundation
import Synchronization

/// The files of one import and the order they are loaded in, so that what others refer to exists first.
///
/// Order (each step finishes before the next starts, see ``phase(of:)``):
/// 1. Synthea's `hospitalInformation` bundles (Organizations, Locations),
/// 2. its `practitionerInformation` bundles (which refer to those organizations),
/// 3. other `batch` Bundles (shared resources are exported as batches),
/// 4. NDJSON files, shared resource types first,
/// 5. `transaction` Bundles (patient records, whose conditional references need the above), and anything else.
///
/// Within a step, files keep the order of the command line, directories being walked recursively in sorted order.
struct ImportPlan {
    /// The files, in loading order.
    let files: [ImportFile]

    /// Resource types loaded first among NDJSON files: what patient records refer to.
    static let sharedTypesFirst = [
        "Organization", "Location", "Practitioner", "PractitionerRole", "HealthcareService", "Endpoint",
        "Medication", "Substance", "Device", "Patient", "RelatedPerson", "Person", "Group",
    ]

    /// Finds the files named by `arguments` (files or folders), peeks at each and orders them.
    static func build(arguments: [String]) throws -> ImportPlan {
        let found = try discover(arguments: arguments)
        return ImportPlan(files: order(peekAll(found)))
    }

    /// The files named by `arguments`: files as given (they must have a known extension), folders walked recursively
    /// and sorted, keeping only `.json`, `.json.bz2`, `.ndjson`, `.ndjson.bz2` files. Duplicates are dropped.
    static func discover(arguments: [String]) throws -> [ImportFile] {
        var files: [ImportFile] = []
        var seen = Set<String>()
        let manager = FileManager.default
        func add(_ path: String, format: ImportFile.Format) {
            let key = URL(fileURLWithPath: path).standardizedFileURL.path
            if seen.insert(key).inserted { files.append(ImportFile(path: path, format: format)) }
        }
        for argument in arguments {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: argument, isDirectory: &isDirectory) else {
                throw ImportError.io("\(argument): no such file or directory")
            }
            if isDirectory.boolValue {
                guard let enumerator = manager.enumerator(atPath: argument) else {
                    throw ImportError.io("\(argument): cannot list the folder")
                }
                var inside: [(String, ImportFile.Format)] = []
                while let relative = enumerator.nextObject() as? String {
                    guard let format = ImportFile.format(ofName: relative) else { continue }
                    let path = (argument as NSString).appendingPathComponent(relative)
                    var isDir: ObjCBool = false
                    if manager.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue {
                        inside.append((path, format))
                    }
                }
                for (path, format) in inside.sorted(by: { $0.0 < $1.0 }) { add(path, format: format) }
            } else {
                guard let format = ImportFile.format(ofName: argument) else {
                    throw ImportError.io("\(argument): not a .json, .json.bz2, .ndjson or .ndjson.bz2 file")
                }
                add(argument, format: format)
            }
        }
        return files
    }

    /// ``peek(_:)`` of every file, on as many threads as there are cores.
    static func peekAll(_ files: [ImportFile]) -> [ImportFile] {
        let results = Mutex(files)
        let next = Atomic<Int>(0)
        let workers = min(files.count, ProcessInfo.processInfo.activeProcessorCount)
        DispatchQueue.concurrentPerform(iterations: max(workers, 1)) { _ in
            while true {
                let index = next.add(1, ordering: .relaxed).oldValue
                guard index < files.count else { return }
                let peeked = peek(files[index])
                results.withLock { $0[index] = peeked }
            }
        }
        return results.withLock { $0 }
    }

    /// Reads the first bytes of `file` (decompressing as needed) to learn its Bundle type or first resource type.
    static func peek(_ file: ImportFile) -> ImportFile {
        var file = file
        do {
            let source = try openChunkSource(path: file.path, chunkSize: 16 * 1024)
            var prefix: [UInt8] = []
            switch file.format {
            case .bundle:
                var wanted = 16 * 1024
                while true {
                    let more = try source.read(atLeast: wanted, into: &prefix)
                    switch JSONPeek.topLevel(prefix, stopAfter: ["resourceType", "type"]) {
                    case .fields(let fields):
                        file.resourceType = fields.resourceType
                        file.bundleType = fields.type
                        return file
                    case .invalid(let message):
                        file.problem = "not valid JSON: \(message)"
                        return file
                    case .truncated:
                        if !more {
                            // Read to the end without seeing both members: look at the whole document.
                            switch JSONPeek.topLevel(prefix) {
                            case .fields(let fields):
                                file.resourceType = fields.resourceType
                                file.bundleType = fields.type
                            case .truncated: file.problem = "not valid JSON: unexpected end of file"
                            case .invalid(let message): file.problem = "not valid JSON: \(message)"
                            }
                            return file
                        }
                        wanted *= 4
                    }
                }
            case .ndjson:
                while true {
                    let more = try source.read(atLeast: 16 * 1024, into: &prefix)
                    var lines = prefix.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
                    if more { lines.removeLast() }  // possibly incomplete
                    if let line = lines.first(where: { $0.contains { !isJSONWhitespace($0) } }) {
                        if case .fields(let fields) = JSONPeek.topLevel(Array(line), stopAfter: ["resourceType"]) {
                            file.resourceType = fields.resourceType
                        }
                        return file
                    }
                    if !more { return file }  // empty file
                }
            }
        } catch {
            file.problem = "\(error)"
            return file
        }
    }

    /// The loading step of `file` (lower first; see the type's documentation).
    static func phase(of file: ImportFile) -> Int {
        let name = file.name.drop { $0.isNumber || $0 == "-" || $0 == "_" }
        switch file.format {
        case .bundle where name.hasPrefix("hospitalInformation"): return 0
        case .bundle where name.hasPrefix("practitionerInformation"): return 1
        case .bundle where file.bundleType == "batch": return 2
        case .ndjson: return 3
        case .bundle: return 4
        }
    }

    /// `files` in loading order: by phase, NDJSON by resource type, otherwise stable.
    static func order(_ files: [ImportFile]) -> [ImportFile] {
        func typeRank(_ file: ImportFile) -> Int {
            guard file.format == .ndjson else { return 0 }
            return sharedTypesFirst.firstIndex(of: file.resourceType ?? "") ?? sharedTypesFirst.count
        }
        return files.enumerated().sorted { a, b in
            let (pa, pb) = (phase(of: a.element), phase(of: b.element))
            if pa != pb { return pa < pb }
            let (ra, rb) = (typeRank(a.element), typeRank(b.element))
            if ra != rb { return ra < rb }
            return a.offset < b.offset
        }.map(\.element)
    }
}

/// Whether `byte` is JSON whitespace.
@inline(__always) func isJSONWhitespace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
}
