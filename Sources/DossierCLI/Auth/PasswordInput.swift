import Foundation

/// Reads a new account's password: one line from standard input (`--password-stdin`, for scripts), or typed twice
/// at the terminal without echo.
enum PasswordInput {
    /// The first line of standard input, without its line ending.
    static func fromStandardInput() -> String? {
        readLine(strippingNewline: true)
    }

    /// Asks twice without echo; `nil` if standard input is not a terminal or the two differ.
    static func prompt() -> String? {
        guard isatty(STDIN_FILENO) == 1 else { return nil }
        let first = readHidden("Password: ")
        let second = readHidden("Password again: ")
        guard let first, first == second else { return nil }
        return first
    }

    private static func readHidden(_ prompt: String) -> String? {
        Terminal.writeError(prompt)
        var original = termios()
        tcgetattr(STDIN_FILENO, &original)
        var silent = original
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        defer {
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &original)
            Terminal.writeError("\n")
        }
        return readLine(strippingNewline: true)
    }
}
