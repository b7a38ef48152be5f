import ArgumentParser

/// `dossier user`: local sign-in accounts.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Manage local sign-in accounts (patients, professionals, legal representatives).",
        subcommands: [UserAddCommand.self, UserListCommand.self]
    )
}
