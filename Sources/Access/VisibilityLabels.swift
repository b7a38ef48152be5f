/// The DMP visibility labels (`urn:oid:1.2.250.1.213.1.1.4.13`) a resource carries, as a bit set.
public struct VisibilityLabels: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// `MASQUE_PS`: hidden from professionals except its author, the GP and GP-equivalents.
    public static let maskedFromProfessionals = VisibilityLabels(rawValue: 1 << 0)
    /// `INVISIBLE_PATIENT`: not yet visible to the patient (nor so to their representatives).
    public static let invisibleToPatient = VisibilityLabels(rawValue: 1 << 1)
    /// `INVISIBLE_REPRESENTANTS_LEGAUX`: hidden from the patient's legal representatives.
    public static let invisibleToRepresentatives = VisibilityLabels(rawValue: 1 << 2)

    /// The labels of these codes in the DMP visibility system (unknown codes are ignored).
    public init(codes: some Sequence<String>) {
        self = []
        for code in codes { if let label = VisibilityLabel(rawValue: code) { insert(label.option) } }
    }
}

/// One DMP visibility label, named by its code: what `$meta-add` / `$meta-delete` change.
public enum VisibilityLabel: String, Sendable, Hashable, CaseIterable {
    case maskedFromProfessionals = "MASQUE_PS"
    case invisibleToPatient = "INVISIBLE_PATIENT"
    case invisibleToRepresentatives = "INVISIBLE_REPRESENTANTS_LEGAUX"

    /// The label in a ``VisibilityLabels`` set.
    @inlinable
    public var option: VisibilityLabels {
        switch self {
        case .maskedFromProfessionals: .maskedFromProfessionals
        case .invisibleToPatient: .invisibleToPatient
        case .invisibleToRepresentatives: .invisibleToRepresentatives
        }
    }

    /// The label as a `meta.security` coding.
    public var coding: SystemCode { SystemCode(SystemCode.Systems.dmpVisibility, rawValue) }
}
