import ArgumentParser
import Auth

/// `dossier client list`: the registered clients, one a line.
struct ClientListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List client applications.")

    @OptionGroup var data: DataDirectoryOption

    func run() async throws {
        let server = try await data.directory.openAuthServerAsPublished()
        for client in try await server.store.clients() {
            let detail = client.kind == .public ? client.redirectURIs.joined(separator: " ") : "private_key_jwt"
            Terminal.writeOutput([client.clientID, client.kind.rawValue, client.name, detail].joined(separator: "\t") + "\n")
        }
    }
}
