import FHIRCore
/// The parts of the `Prefer` request header Dossier honours.
struct Prefer: Sendable, Hashable {
    /// `return=`: what a write returns.
    enum Return: Sendable, Hashable { case minimal, representation, operationOutcome }
    /// `handling=`: what to do with unknown search parameters.
    enum Handling: Sendable, Hashable { case strict, lenient }

    var returnPreference: Return?
    var handling: Handling?

    init(header: String?) {
        guard let header else { return }
        for part in header.split(separator: ",").flatMap({ $0.split(separator: ";") }) {
            let kv = part.split(separator: "=", maxSplits: 1).map { $0.trimmingHTTPWhitespace.lowercased() }
            guard kv.count == 2 else { continue }
            let value = kv[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            switch kv[0] {
            case "return":
                switch value {
                case "minimal": returnPreference = .minimal
                case "representation": returnPreference = .representation
                case "operationoutcome": returnPreference = .operationOutcome
                default: break
                }
            case "handling":
                handling = value == "strict" ? .strict : (value == "lenient" ? .lenient : nil)
            default: break
            }
        }
    }
}

import Foundation
