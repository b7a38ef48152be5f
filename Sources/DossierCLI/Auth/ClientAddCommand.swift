import ArgumentParser
import Auth
import Foundation

/// `dossier client add`: registers a public SMART app (redirect URIs; authorization code with PKCE) or a backend
/// service (a JWKS file of its public keys; `client_credentials` with `private_key_jwt`).
struct ClientAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Register a client application.",
        discussion: "Either one or more --redirect-uri (a public app) or --jwks-file (a backend service), not both."
    )

    @Option(name: .customLong("client-id"), help: "The client_id the application will send.")
    var clientID: String

    @Option(help: "A name shown on the sign-in page (default: the client id).")
    var name: String?

    @Option(name: .customLong("redirect-uri"), help: ArgumentHelp("A redirect URI, compared exactly (repeatable).", valueName: "uri"))
    var redirectURIs: [String] = []

    @Option(name: .customLong("jwks-file"), help: ArgumentHelp("A JSON Web Key Set with the service's public keys.", valueName: "file"))
    var jwksFile: String?

    @OptionGroup var data: DataDirectoryOption

    func validate() throws {
        guard redirectURIs.isEmpty != (jwksFile == nil) else { throw ValidationError("Give --redirect-uri (repeatable) or --jwks-file, not both.") }
        guard OAuthClient.isValidClientID(clientID) else { throw ValidationError("A client id is 1 to 128 visible ASCII characters.") }
    }

    func run() async throws {
        let jwks = try jwksFile.map { try String(contentsOfFile: $0, encoding: .utf8) }
        let server = try await data.directory.openAuthServerAsPublished()
        let client = try await server.registerClient(clientID: clientID, name: name, redirectURIs: redirectURIs, jwksJSON: jwks)
        Terminal.writeOutput("Registered \(client.kind.rawValue) client \(client.clientID).\n")
        if client.kind == .confidentialAsymmetric {
            Terminal.writeOutput("Its assertions must have aud = \(server.configuration.tokenEndpoint).\n")
        }
    }
}
