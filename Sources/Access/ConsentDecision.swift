#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One patient decision, parsed from a `Consent` by ``ConsentParser`` (RULES-API.md "Patient decisions").
public struct ConsentDecision: Sendable, Hashable {
    /// Whether the decision is in force (`Consent.status`).
    public enum Status: String, Sendable, Hashable, CaseIterable {
        case active, inactive
    }

    /// What the patient decided.
    public enum Kind: Sendable, Hashable {
        /// `permit` to these persons, roles, care teams or organisations.
        case authorise([ActorReference])
        /// `permit` with the `gp-equivalent` action: the GP's rights (masked documents included).
        case gpEquivalent([ActorReference])
        /// `deny` to these Practitioners: they see nothing, whatever else holds.
        case block(practitionerIDs: [String])
        /// `deny` with purpose ETREAT and no actor: no emergency access.
        case objectToEmergencyAccess

        /// Whether this is a permit (authorise or GP-equivalent). Professionals may read permits only.
        public var isPermit: Bool {
            switch self {
            case .authorise, .gpEquivalent: true
            case .block, .objectToEmergencyAccess: false
            }
        }
    }

    /// The Consent's logical id, when it has one (audit names it).
    public var consentID: String?
    /// `active` or `inactive` (withdrawn).
    public var status: Status
    /// The decision.
    public var kind: Kind
    /// When a permit applies; nil means always. Only permits have one.
    public var period: ConsentPeriod?

    /// A decision.
    public init(consentID: String? = nil, status: Status = .active, kind: Kind, period: ConsentPeriod? = nil) {
        self.consentID = consentID
        self.status = status
        self.kind = kind
        self.period = period
    }

    /// Whether the decision is active and, for a permit, `now` is within its period.
    @inlinable
    public func isInForce(at now: Date) -> Bool {
        guard status == .active else { return false }
        guard let period else { return true }
        return period.contains(now)
    }
}

/// The time a permit applies: from `start` (inclusive) to `end` (exclusive).
///
/// A Consent's `provision.period.end` of `2025-03-31` means "through the 31st", so the parser stores the upper bound
/// of the end's precision (`2025-04-01T00:00:00Z`) as the exclusive `end`.
public struct ConsentPeriod: Sendable, Hashable {
    /// The first instant of the period; nil when open.
    public var start: Date?
    /// The first instant after the period; nil when open.
    public var end: Date?

    /// A period; either bound may be open.
    public init(start: Date? = nil, end: Date? = nil) {
        self.start = start
        self.end = end
    }

    /// `start <= now < end`.
    @inlinable
    public func contains(_ now: Date) -> Bool {
        if let start, now < start { return false }
        if let end, now >= end { return false }
        return true
    }
}
