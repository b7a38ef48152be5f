import ArgumentParser
import Audit
import FHIRCore
import Foundation
import SQLiteAudit

/// `dossier audit list`: the newest events, one a line (sequence, time, outcome, action, subtype, agent,
/// patients, entities).
struct AuditListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the newest audit events.")

    @Option(help: ArgumentHelp("Only accesses to this patient's record.", valueName: "id"))
    var patient: String?

    @Option(help: ArgumentHelp("How many events, newest first.", valueName: "n"))
    var count = 50

    @OptionGroup var data: DataDirectoryOption

    func validate() throws {
        guard (1...AuditQuery.maximumCount).contains(count) else {
            throw ValidationError("--count takes 1 to \(AuditQuery.maximumCount).")
        }
    }

    func run() async throws {
        let path = data.directory.auditDatabasePath
        guard FileManager.default.fileExists(atPath: path) else {
            Terminal.writeError("no audit trail at \(path)\n")
            throw ExitCode(1)
        }
        let log = try SQLiteAuditLog(path: path)
        let page = try await log.search(AuditQuery(scope: .everything, patient: patient, count: count))
        try await log.close()
        for stored in page.events {
            Terminal.writeOutput(Self.line(stored) + "\n")
        }
    }

    /// One tab-separated line for an event.
    static func line(_ stored: AuditStoredEvent) -> String {
        let event = stored.event
        guard let keys = AuditEventKeys(event: event) else { return "\(stored.sequence)\t\(stored.id)\t(unreadable)" }
        let subtypes = (event["subtype"]?.arrayValue ?? []).compactMap { $0["code"]?.stringValue }
        var columns = [String(stored.sequence), event["recorded"]?.stringValue ?? "", "outcome=\(keys.outcome)",
                       keys.action, subtypes.joined(separator: ","), keys.agent]
        if keys.isEmergency { columns.append("EMERGENCY") }
        if !keys.patientIDs.isEmpty { columns.append("patients=" + keys.patientIDs.joined(separator: ",")) }
        let others = keys.entityReferences.filter { !$0.hasPrefix("Patient/") || !keys.patientIDs.contains(String($0.dropFirst(8))) }
        if !others.isEmpty { columns.append("entities=" + others.joined(separator: ",")) }
        return columns.joined(separator: "\t")
    }
}
