/// `v3-Confidentiality`: kept and carried with the resource; the access rules of DOMAIN.md do not depend on it.
public enum Confidentiality: String, Sendable, Hashable, CaseIterable, Comparable {
    case unrestricted = "U", low = "L", moderate = "M", normal = "N", restricted = "R", veryRestricted = "V"

    private var rank: Int {
        switch self {
        case .unrestricted: 0
        case .low: 1
        case .moderate: 2
        case .normal: 3
        case .restricted: 4
        case .veryRestricted: 5
        }
    }

    /// Ordered from least to most restricted.
    public static func < (lhs: Confidentiality, rhs: Confidentiality) -> Bool { lhs.rank < rhs.rank }
}
