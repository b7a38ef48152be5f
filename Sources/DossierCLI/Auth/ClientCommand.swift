import ArgumentParser

/// `dossier client`: applications allowed to obtain tokens.
struct ClientCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client",
        abstract: "Manage client applications (SMART apps and backend services).",
        subcommands: [ClientAddCommand.self, ClientListCommand.self]
    )
}
