import ArgumentParser
import SQLiteAudit

/// `dossier audit verify`: checks the hash chain of the whole trail; exit status 0 when intact, 1 otherwise.
struct AuditVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check that the audit trail is complete and unmodified.",
        discussion: """
            Recomputes the hash chain from the first event, checks that no sequence number is missing and that the \
            indexed columns agree with each event. Prints `audit trail intact: N events` and exits 0, or names the \
            first broken event and exits 1. A data folder without an audit trail is not intact.
            """
    )

    @OptionGroup var data: DataDirectoryOption

    func run() async throws {
        let report = try await AuditTrailReport.check(databasePath: data.directory.auditDatabasePath)
        if report.isIntact {
            Terminal.writeOutput(report.message + "\n")
        } else {
            Terminal.writeError(report.message + "\n")
            throw ExitCode(1)
        }
    }
}
