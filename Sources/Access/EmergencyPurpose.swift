/// Why an emergency access was declared (`$break-glass` `purpose`).
public enum EmergencyPurpose: String, Sendable, Hashable, CaseIterable {
    /// `v3-ActReason#ETREAT`: emergency treatment, "break the glass" (the default).
    case emergencyTreatment = "ETREAT"
    /// `https://dossier.health/CodeSystem/access-mode#centre-15`: the emergency regulation centre.
    case centre15 = "centre-15"

    /// The purpose as a code.
    public var code: SystemCode {
        switch self {
        case .emergencyTreatment: SystemCode(SystemCode.Systems.actReason, "ETREAT")
        case .centre15: SystemCode(SystemCode.Systems.dossierAccessMode, "centre-15")
        }
    }

    /// The purpose of a code; nil for any other code.
    public init?(code: SystemCode) {
        guard let purpose = Self.allCases.first(where: { $0.code == code }) else { return nil }
        self = purpose
    }
}
