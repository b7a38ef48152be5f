import FHIRServer
import Foundation

/// What happened to the entries of one submitted Bundle, read from the server's answer: the overall status, then
/// every entry's `response.status` in the returned batch-response / transaction-response Bundle.
struct BundleOutcome: Sendable {
    /// Entries stored.
    var succeeded = 0
    /// Entries not stored.
    var failed = 0
    /// Readable descriptions of failures (at most ``maxMessages``).
    var messages: [String] = []
    /// Indexes (0-based, in request order) of the entries that failed; empty when the whole Bundle failed.
    var failedEntries: [Int] = []
    /// Whether the whole Bundle was refused (non-2xx answer).
    var wholeBundleFailed = false

    static let maxMessages = 10

    /// Reads `response`, the answer to `request` (a Bundle of `entryCount` entries).
    /// - Parameter describe: names request entry `i` for messages (`Patient/123`, `line 42`).
    init(response: FHIRResponse, entryCount: Int, describe: (Int) -> String) {
        guard (200..<300).contains(response.status) else {
            wholeBundleFailed = true
            failed = entryCount
            messages = ["HTTP \(response.status): \(Self.describeOutcome(body: response.body))"]
            return
        }
        let parsed = try? JSONSerialization.jsonObject(with: Data(response.body))
        guard let bundle = parsed as? [String: Any], bundle["resourceType"] as? String == "Bundle" else {
            wholeBundleFailed = true
            failed = entryCount
            messages = ["HTTP \(response.status) without a response Bundle"]
            return
        }
        let entries = bundle["entry"] as? [[String: Any]] ?? []
        for (index, entry) in entries.enumerated() {
            let reply = entry["response"] as? [String: Any]
            let status = reply?["status"] as? String ?? ""
            let code = Int(status.prefix { $0.isNumber }) ?? 0
            if (200..<300).contains(code) {
                succeeded += 1
            } else {
                failed += 1
                failedEntries.append(index)
                if messages.count < Self.maxMessages {
                    let outcome = (reply?["outcome"] as? [String: Any]).map(Self.describeOutcome) ?? "no outcome given"
                    messages.append("\(describe(index)): \(status.isEmpty ? "no status" : status): \(outcome)")
                }
            }
        }
        if entries.count < entryCount {
            failed += entryCount - entries.count
            messages.append("the response Bundle has \(entries.count) entries for \(entryCount) sent")
        }
    }

    /// A one-line summary of the OperationOutcome in `body` (or the body's start when it is not one).
    static func describeOutcome(body: [UInt8]) -> String {
        if let outcome = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any],
           outcome["resourceType"] as? String == "OperationOutcome" {
            return describeOutcome(outcome)
        }
        let text = String(decoding: body.prefix(300), as: UTF8.self)
        return text.isEmpty ? "(empty body)" : text
    }

    /// A one-line summary of an OperationOutcome: each issue's severity, code, diagnostics and expression.
    static func describeOutcome(_ outcome: [String: Any]) -> String {
        let issues = outcome["issue"] as? [[String: Any]] ?? []
        guard !issues.isEmpty else { return "OperationOutcome without issues" }
        return issues.map { issue in
            var text = "\(issue["severity"] as? String ?? "?") \(issue["code"] as? String ?? "?")"
            if let details = issue["diagnostics"] as? String ?? (issue["details"] as? [String: Any])?["text"] as? String {
                text += ": \(details)"
            }
            if let expression = issue["expression"] as? [String], !expression.isEmpty {
                text += " (at \(expression.joined(separator: ", ")))"
            }
            return text
        }.joined(separator: "; ")
    }

    /// Names entry `index` of a request Bundle by its `request.method`/`request.url` (or resource type and id).
    static func entryNames(ofBundle bytes: [UInt8]) -> [String] {
        guard let bundle = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any],
              let entries = bundle["entry"] as? [[String: Any]] else { return [] }
        return entries.enumerated().map { index, entry in
            if let request = entry["request"] as? [String: Any], let url = request["url"] as? String {
                return "entry \(index + 1) (\(request["method"] as? String ?? "?") \(url))"
            }
            if let resource = entry["resource"] as? [String: Any], let type = resource["resourceType"] as? String {
                return "entry \(index + 1) (\(type)/\(resource["id"] as? String ?? "?"))"
            }
            return "entry \(index + 1)"
        }
    }
}
