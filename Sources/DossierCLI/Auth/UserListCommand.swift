import ArgumentParser
import Auth

/// `dossier user list`: the accounts, one a line.
struct UserListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List sign-in accounts.")

    @OptionGroup var data: DataDirectoryOption

    func run() async throws {
        let server = try await data.directory.openAuthServerAsPublished()
        for account in try await server.store.accounts() {
            var columns = [account.username, account.binding.fhirUser.description]
            if let role = account.binding.role { columns.append("role=\(role)") }
            if case .relatedPerson(_, let patient?) = account.binding { columns.append("represents=\(patient)") }
            columns.append(account.totpSecret == nil ? "password" : "password+totp")
            Terminal.writeOutput(columns.joined(separator: "\t") + "\n")
        }
    }
}
