import ArgumentParser

/// `dossier audit`: the audit trail in the data folder (`audit.sqlite`).
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Check and read the audit trail (operators only: needs the data folder).",
        subcommands: [AuditVerifyCommand.self, AuditListCommand.self]
    )
}
