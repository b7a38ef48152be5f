import ArgumentParser

/// The `dossier` command: a FHIR R4 record server and the tools that go with it.
@main
struct Dossier: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dossier",
        abstract: "A FHIR R4 record server.",
        discussion: """
            With no flags, `dossier serve` serves FHIR R4 at http://127.0.0.1:8080/fhir from an embedded SQLite \
            database in ./dossier-data, and `dossier import` loads into that same folder.
            """,
        subcommands: [ServeCommand.self, ImportCommand.self, UserCommand.self, ClientCommand.self, TokenCommand.self,
                      AuditCommand.self]
    )
}
