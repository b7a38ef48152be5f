/// What one section of a built summary holds for the actor who asked.
public struct SummarySectionContent: Sendable, Hashable {
    /// Why a section has no entries (`Composition.section.emptyReason`).
    public enum EmptyReason: String, Sendable, Hashable {
        /// Nothing is recorded that this actor may see: "No information".
        case unavailable
        /// The actor's profession may not read this kind of information at all.
        case withheld
    }

    /// The section.
    public var section: SummarySection
    /// Its entries, in order.
    public var entries: [SummaryEntry]
    /// Why there are none; nil when there are entries.
    public var emptyReason: EmptyReason?
    /// Whether the access rules may have kept something of this section from the actor (said without counts).
    public var mayBeWithheld: Bool
    /// Whether only the latest entries are listed (the list was cut at the summary's bound).
    public var truncated: Bool

    /// Whether every entry states that the patient has none of the section's items ("no known allergies").
    public var statesNoneKnown: Bool { !entries.isEmpty && entries.allSatisfy(\.statesNoneKnown) }

    /// The sentence that stands for the section when it lists nothing real.
    public var emptyText: String? {
        if statesNoneKnown {
            switch section.kind {
            case .allergies: return "No known allergies."
            case .medications: return "No known medications."
            case .problems: return "No known problems."
            case .immunizations: return "No known immunisations."
            case .procedures: return "No known procedures."
            case .results: return "No known results."
            }
        }
        switch emptyReason {
        case .unavailable?: return "No information."
        case .withheld?: return "Not available to your profession."
        case nil: return nil
        }
    }
}
