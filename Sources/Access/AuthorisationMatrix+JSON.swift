import FHIRCore
import Foundation

extension AuthorisationMatrix {
    /// The matrix shipped with Dossier (`Resources/authorisation-matrix.json`).
    public static let `default`: AuthorisationMatrix = {
        guard let url = Bundle.module.url(forResource: "authorisation-matrix", withExtension: "json",
                                          subdirectory: "Resources") else {
            preconditionFailure("Access: Resources/authorisation-matrix.json is missing from \(Bundle.module.bundlePath)")
        }
        do {
            return try AuthorisationMatrix(contentsOfFile: url.path)
        } catch {
            preconditionFailure("Access: the shipped authorisation matrix is invalid: \(error)")
        }
    }()

    /// Loads a matrix file (a deployment's override of the default).
    public init(contentsOfFile path: String) throws(FHIRError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FHIRError(.invalid, "authorisation matrix: cannot read \(path)")
        }
        try self.init(json: JSON.parse(Array(data)))
    }

    /// Reads a matrix from its JSON form (see the shipped file for the shape); refuses unknown purposes, codes
    /// without `system|code`, and rules that are neither `"*"` nor a list.
    public init(json: JSON) throws(FHIRError) {
        func refuse(_ message: String, _ at: String) -> FHIRError {
            FHIRError(.invalid, "authorisation matrix: \(message)", expression: [at])
        }
        guard let rows = json["professions"]?.arrayValue else { throw refuse("'professions' must be an array", "professions") }
        var entries: [Entry] = []
        for (k, row) in rows.enumerated() {
            let at = "professions[\(k)]"
            guard let system = row["system"]?.stringValue, let code = row["code"]?.stringValue else {
                throw refuse("each profession has a 'system' and a 'code'", at)
            }
            var read: [String: ReadRule] = [:]
            for member in row["read"]?.objectValue ?? JSONObject() {
                switch member.value {
                case .string("*"):
                    read[member.key] = .all
                case .array(let tokens):
                    var codes = Set<SystemCode>()
                    for token in tokens {
                        guard let text = token.stringValue, let c = SystemCode(token: text) else {
                            throw refuse("codes are written 'system|code'", "\(at).read.\(member.key)")
                        }
                        codes.insert(c)
                    }
                    read[member.key] = .codes(codes)
                default:
                    throw refuse("a read rule is \"*\" or a list of 'system|code'", "\(at).read.\(member.key)")
                }
            }
            var purposes = Set<EmergencyPurpose>()
            for token in row["breakTheGlass"]?.arrayValue ?? [] {
                guard let text = token.stringValue, let c = SystemCode(token: text), let p = EmergencyPurpose(code: c) else {
                    throw refuse("breakTheGlass lists v3-ActReason|ETREAT or access-mode|centre-15", "\(at).breakTheGlass")
                }
                purposes.insert(p)
            }
            entries.append(Entry(profession: Profession(system: system, code: code),
                                 display: row["display"]?.stringValue ?? code,
                                 description: row["description"]?.stringValue ?? "",
                                 read: read, breakTheGlass: purposes))
        }
        self.init(description: json["description"]?.stringValue ?? "", entries: entries)
    }

    /// The matrix as JSON, in the file's shape, in a stable order (for `$access-matrix`).
    public var json: JSON {
        let rows = entries.values.sorted { ($0.profession.code.system, $0.profession.code.code)
            < ($1.profession.code.system, $1.profession.code.code) }
        return .object([
            "description": .string(description),
            "professions": .array(rows.map { entry in
                var read = JSONObject()
                for type in entry.read.keys.sorted() {
                    switch entry.read[type]! {
                    case .all: read[type] = .string("*")
                    case .codes(let codes): read[type] = .array(codes.map(\.token).sorted().map(JSON.string))
                    }
                }
                return .object([
                    "system": .string(entry.profession.code.system),
                    "code": .string(entry.profession.code.code),
                    "display": .string(entry.display),
                    "description": .string(entry.description),
                    "read": .object(read),
                    "breakTheGlass": .array(entry.breakTheGlass.map(\.code.token).sorted().map(JSON.string)),
                ])
            }),
        ])
    }
}
