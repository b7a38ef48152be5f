/// The answer of ``AccessPolicy/decide(actor:action:patient:resource:now:matrix:)``.
public enum AccessDecision: Sendable, Hashable {
    /// Allowed, for this reason (which the audit records).
    case permit(AccessBasis)
    /// Refused; how the refusal must look, and why (the reason is for logs and for `forbidden` messages only).
    case deny(Denial, DenialReason)

    /// Whether access is permitted.
    public var isPermitted: Bool { if case .permit = self { true } else { false } }

    /// The basis of a permit; nil for a denial.
    public var basis: AccessBasis? { if case .permit(let b) = self { b } else { nil } }

    /// How a denial must look to the actor.
    public enum Denial: Sendable, Hashable {
        /// `404`, exactly like an absent resource (rule 7): the actor may not know the resource exists.
        case notFound
        /// `403`: the actor may see the resource (or knows the fact refused, like their own block or a patient's
        /// objection to break-the-glass), but may not do this.
        case forbidden
    }
}

/// Why access was refused. Only shown to the actor when the denial is ``AccessDecision/Denial/forbidden``.
public enum DenialReason: String, Sendable, Hashable, CaseIterable {
    /// Not this actor's patient, or no ground of rule 2 holds.
    case noAccess
    /// The record is closed: professionals see nothing; patients may only read.
    case recordClosed
    /// The patient blocked this professional (rule 3).
    case blocked
    /// `MASQUE_PS`, and the professional is neither author, GP nor GP-equivalent (rule 4).
    case masked
    /// `INVISIBLE_PATIENT` and not yet one month after the document date (rule 1).
    case notYetVisibleToPatient
    /// `INVISIBLE_REPRESENTANTS_LEGAUX` (rule 4).
    case hiddenFromRepresentatives
    /// The authorisation matrix does not let this profession read this (rule 5).
    case matrix
    /// Only the patient, their representative (and for authorisations, a professional recording it in person)
    /// take these decisions.
    case notTheActorsDecision
    /// Changes to a resource need to be its author (professionals) or its adder (patients).
    case notAuthor
    /// A patient's or representative's addition must be marked `patient-added` (rule 6).
    case notMarkedAsPatientAdded
    /// The patient objected to emergency access in advance (rule 2).
    case emergencyObjected
    /// This profession may not declare an emergency with this purpose (matrix).
    case professionMayNotBreakTheGlass
    /// Break the glass is for professionals.
    case notAProfessional
    /// Built-in notifications (`Communication` in the notification category) are written by the server alone.
    case serverNotification
}
