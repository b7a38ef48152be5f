#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Where one professional stands with one patient's record at one instant (rules 2, 3, 4 and 9), independent of
/// any particular resource: what ``ProfessionalAccess`` is built from.
public enum AccessStanding: Sendable, Hashable {
    /// No ground, or the record is closed: nothing is visible.
    case none
    /// The patient blocks the professional: only the blocking Consent is visible.
    case blocked
    /// A ground holds; `seesMasked` for the GP and GP-equivalents.
    case reads(AccessBasis, seesMasked: Bool)
}

extension AccessPolicy {
    /// The standing of `professional` with `patient` at `now`, computed exactly as
    /// ``decide(actor:action:patient:resource:now:matrix:)`` computes a read.
    @inlinable
    public static func standing(of professional: AccessActor.Professional, patient: PatientAccessContext,
                                now: Date) -> AccessStanding {
        if patient.isClosed { return .none }
        let grounds = ProfessionalGrounds(professional, patient, now)
        if grounds.isBlocked { return .blocked }
        guard let basis = grounds.basis else { return .none }
        return .reads(basis, seesMasked: grounds.isGP || grounds.isGPEquivalent)
    }
}
