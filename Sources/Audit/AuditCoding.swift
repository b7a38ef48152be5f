/// A code in its code system (a FHIR `Coding`): purposes of use, professions, event types.
///
/// Written `system|code` as in FHIR token search, e.g. `http://terminology.hl7.org/CodeSystem/v3-ActReason|ETREAT`.
public struct AuditCoding: Sendable, Hashable, CustomStringConvertible {
    /// The code system URI.
    public var system: String
    /// The code.
    public var code: String
    /// An optional human-readable name, rendered as `display`.
    public var display: String?

    /// A code in `system`, with an optional display.
    public init(system: String, code: String, display: String? = nil) {
        self.system = system
        self.code = code
        self.display = display
    }

    /// Reads `system|code`; nil when there is no `|` or either side is empty.
    public init?(token: String) {
        guard let bar = token.lastIndex(of: "|") else { return nil }
        let system = String(token[..<bar]), code = String(token[token.index(after: bar)...])
        guard !system.isEmpty, !code.isEmpty else { return nil }
        self.init(system: system, code: code)
    }

    /// `system|code`.
    public var token: String { "\(system)|\(code)" }
    public var description: String { token }

    /// Emergency treatment (`v3-ActReason#ETREAT`): the default purpose of a break-the-glass access.
    public static let emergencyTreatment = AuditCoding(system: AuditSystems.actReason, code: "ETREAT",
                                                       display: "emergency treatment")
    /// Break the glass (`v3-ActReason#BTG`): marks every event of an emergency access (`purposeOfEvent`).
    public static let breakTheGlass = AuditCoding(system: AuditSystems.actReason, code: "BTG", display: "break the glass")
    /// Treatment (`v3-ActReason#TREAT`): the ordinary purpose of a professional's access.
    public static let treatment = AuditCoding(system: AuditSystems.actReason, code: "TREAT", display: "treatment")
}
