import ArgumentParser
import Auth
import Foundation

/// `dossier token`: prints an access token for any actor, for scripts, tests and monitoring. Needs local access to
/// the server's data folder (its signing key); every token issued is written to the issuance log with the
/// operating-system user who asked.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Print an access token for an actor (operators only: needs the data folder).",
        discussion: """
            Exactly one of --admin (full system access) or --user Practitioner/ID [--role PractitionerRole/ID], \
            --user Patient/ID, --user RelatedPerson/ID. The token is signed with the server's key and carries the \
            issuer and FHIR base URL `dossier serve` last announced from this data folder. Only the token is printed.
            """
    )

    @Flag(help: "A token with full system access.")
    var admin = false

    @Option(help: ArgumentHelp("The actor: Practitioner/ID, Patient/ID or RelatedPerson/ID.", valueName: "reference"))
    var user: String?

    @Option(help: ArgumentHelp("The PractitionerRole a practitioner acts through.", valueName: "PractitionerRole/ID"))
    var role: String?

    @Option(help: ArgumentHelp("Space-separated scopes instead of the default for the actor.", valueName: "scopes"))
    var scope: String?

    @Option(help: "How long the token lives: 90s, 15m, 1h, 12h, 2d.")
    var lifetime = Lifetime(seconds: 3600)

    @OptionGroup var data: DataDirectoryOption

    func validate() throws {
        guard admin != (user != nil) else { throw ValidationError("Give exactly one of --admin or --user.") }
        if admin, role != nil { throw ValidationError("--role goes with --user Practitioner/ID.") }
        if let user {
            guard let reference = ActorReference(user, allowedTypes: ["Patient", "Practitioner", "RelatedPerson"]) else {
                throw ValidationError("--user takes Practitioner/ID, Patient/ID or RelatedPerson/ID.")
            }
            if let role {
                guard reference.type == "Practitioner" else { throw ValidationError("--role goes with --user Practitioner/ID only.") }
                guard ActorReference(role, allowedTypes: ["PractitionerRole"]) != nil else {
                    throw ValidationError("--role takes PractitionerRole/ID.")
                }
            }
        }
        if let scope {
            let parsed = ScopeSet(parsing: scope)
            guard parsed.unrecognised.isEmpty, !parsed.isEmpty else {
                throw ValidationError("Unrecognised scope(s): \(parsed.unrecognised.joined(separator: " ")).")
            }
        }
    }

    func run() async throws {
        let actor: OperatorActor = if let user, let reference = ActorReference(user) {
            .user(reference, role: role.flatMap { ActorReference($0) })
        } else {
            .admin
        }
        let server = try await data.directory.openAuthServerAsPublished()
        let token = try await server.issueOperatorToken(for: actor, scopes: scope.map(ScopeSet.init(parsing:)), lifetime: lifetime,
                                                        operatorName: Self.operatorName)
        Terminal.writeOutput(token.token + "\n")
    }

    /// The operating-system user running the command, for the issuance log.
    static var operatorName: String {
        ProcessInfo.processInfo.environment["SUDO_USER"] ?? ProcessInfo.processInfo.environment["USER"] ?? "uid \(getuid())"
    }
}
