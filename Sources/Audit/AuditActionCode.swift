/// `AuditEvent.action`: what the interaction did to the data (C, R, U, D, E).
public enum AuditActionCode: String, Sendable, Hashable, CaseIterable {
    /// Create.
    case create = "C"
    /// Read, view or print.
    case read = "R"
    /// Update.
    case update = "U"
    /// Delete.
    case delete = "D"
    /// Execute: searches, operations, batches.
    case execute = "E"

    /// The FHIR code (`C`, `R`, `U`, `D`, `E`).
    public var code: String { rawValue }
}
