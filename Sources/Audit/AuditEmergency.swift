/// Whether an event belongs to an emergency ("break the glass") access. Both kinds are shown to the privacy
/// officer of the actor's organisation (``AuditScope/Grant/emergencyAccesses(organizationID:)``).
public enum AuditEmergency: Sendable, Hashable {
    /// An ordinary interaction.
    case none
    /// An interaction made under an emergency grant: a REST event with `purposeOfEvent` `v3-ActReason#BTG`.
    case access
    /// The override itself (the `$break-glass` grant): rendered as a DICOM `110113` Security Alert with subtype
    /// `110127` Emergency Override Started, plus `purposeOfEvent` BTG.
    case override

    /// `true` for ``access`` and ``override``.
    public var isEmergency: Bool { self != .none }
}
