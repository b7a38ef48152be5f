/// `AuditEvent.outcome`: whether the interaction succeeded.
public enum AuditOutcome: Int, Sendable, Hashable, CaseIterable {
    /// The interaction succeeded.
    case success = 0
    /// Minor failure: the request was refused or invalid (4xx), nothing was disclosed or changed.
    case minorFailure = 4
    /// Serious failure: the interaction failed and was not completed (5xx).
    case seriousFailure = 8
    /// Major failure: the interaction failed and the system may be unusable.
    case majorFailure = 12

    /// The FHIR code: `0`, `4`, `8` or `12`.
    public var code: String { String(rawValue) }
}
