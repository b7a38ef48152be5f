import ArgumentParser
import Auth

/// `dossier user add`: creates an account bound to a Patient, a Practitioner (with a default PractitionerRole and a
/// TOTP second factor) or a RelatedPerson.
struct UserAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Create a sign-in account.",
        discussion: """
            Exactly one of --patient, --practitioner or --related-person. Professionals get a TOTP second factor: \
            the otpauth:// URI printed once is to be added to an authenticator app. The password is asked twice at \
            the terminal, or read from the first line of standard input with --password-stdin.
            """
    )

    @Option(help: "The sign-in name (letters, digits, '.', '_', '-', '@').")
    var username: String

    @Option(help: ArgumentHelp("Sign in as this patient.", valueName: "Patient/ID"))
    var patient: String?

    @Option(help: ArgumentHelp("Sign in as this professional.", valueName: "Practitioner/ID"))
    var practitioner: String?

    @Option(help: ArgumentHelp("The professional's default role.", valueName: "PractitionerRole/ID"))
    var role: String?

    @Option(name: .customLong("related-person"), help: ArgumentHelp("Sign in as this legal representative.", valueName: "RelatedPerson/ID"))
    var relatedPerson: String?

    @Option(help: ArgumentHelp("The patient a representative acts for (their patient context).", valueName: "Patient/ID"))
    var represents: String?

    @Flag(help: "Read the password from the first line of standard input.")
    var passwordStdin = false

    @Flag(help: "Add a TOTP second factor to a patient's or representative's account too.")
    var totp = false

    @OptionGroup var data: DataDirectoryOption

    func binding() throws -> AccountBinding {
        func reference(_ text: String, _ type: String, _ flag: String) throws -> ActorReference {
            guard let value = ActorReference(text, allowedTypes: [type]) else { throw ValidationError("\(flag) takes \(type)/ID.") }
            return value
        }
        let given = [patient, practitioner, relatedPerson].compactMap { $0 }
        guard given.count == 1 else { throw ValidationError("Give exactly one of --patient, --practitioner or --related-person.") }
        if role != nil, practitioner == nil { throw ValidationError("--role goes with --practitioner.") }
        if represents != nil, relatedPerson == nil { throw ValidationError("--represents goes with --related-person.") }
        if let patient { return .patient(try reference(patient, "Patient", "--patient")) }
        if let practitioner {
            return .practitioner(try reference(practitioner, "Practitioner", "--practitioner"),
                                 role: try role.map { try reference($0, "PractitionerRole", "--role") })
        }
        return .relatedPerson(try reference(relatedPerson!, "RelatedPerson", "--related-person"),
                              patient: try represents.map { try reference($0, "Patient", "--represents") })
    }

    func validate() throws {
        _ = try binding()
        guard UserAccount.isValidUsername(username) else { throw ValidationError("A username is 1 to 64 letters, digits, '.', '_', '-' or '@'.") }
    }

    func run() async throws {
        let binding = try binding()
        let password = passwordStdin ? PasswordInput.fromStandardInput() : PasswordInput.prompt()
        guard let password else {
            throw ValidationError(passwordStdin ? "No password on standard input." : "Passwords differ, or no terminal: use --password-stdin.")
        }
        let server = try await data.directory.openAuthServerAsPublished()
        let (account, generator) = try await server.createAccount(username: username, password: password, binding: binding, withTOTP: totp)
        var line = "Created \(account.username) signing in as \(account.binding.fhirUser)"
        if let role = account.binding.role { line += " (role \(role))" }
        if let patient = account.binding.patientContext, patient != account.binding.fhirUser { line += " for \(patient)" }
        Terminal.writeOutput(line + ".\n")
        if let generator {
            Terminal.writeOutput("Second factor: add this to an authenticator app (shown once):\n")
            Terminal.writeOutput(generator.provisioningURI(account: account.username, issuer: "Dossier") + "\n")
        }
    }
}
