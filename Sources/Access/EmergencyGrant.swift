#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An emergency access granted by `$break-glass`: one professional (in one role), one patient, until `expires`.
public struct EmergencyGrant: Sendable, Hashable {
    /// The professional who declared the emergency.
    public var practitionerID: String
    /// The role they declared it in; nil means any of their roles.
    public var roleID: String?
    /// ETREAT or centre-15.
    public var purpose: EmergencyPurpose
    /// The first instant at which the grant no longer applies.
    public var expires: Date

    /// A grant.
    public init(practitionerID: String, roleID: String? = nil, purpose: EmergencyPurpose, expires: Date) {
        self.practitionerID = practitionerID
        self.roleID = roleID
        self.purpose = purpose
        self.expires = expires
    }

    /// Whether the grant is for `professional` and still live at `now` (`now < expires`).
    @inlinable
    public func applies(to professional: AccessActor.Professional, at now: Date) -> Bool {
        practitionerID == professional.practitionerID && (roleID == nil || roleID == professional.roleID)
            && now < expires
    }
}
