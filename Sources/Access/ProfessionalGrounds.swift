#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What rule 2 and 3 say about one professional and one patient at one instant, computed in one pass over the
/// patient's decisions.
@usableFromInline
struct ProfessionalGrounds {
    @usableFromInline var isGP = false
    @usableFromInline var isGPEquivalent = false
    @usableFromInline var isAuthorised = false
    @usableFromInline var hasCareRelationship = false
    @usableFromInline var emergency: EmergencyPurpose?
    @usableFromInline var isBlocked = false
    @usableFromInline var patientObjectsToEmergencyAccess = false

    @inlinable
    init(_ p: AccessActor.Professional, _ patient: PatientAccessContext, _ now: Date) {
        for gp in patient.generalPractitioners where p.isPersonallyNamed(by: gp) {
            isGP = true
            break
        }
        for consent in patient.consents where consent.isInForce(at: now) {
            switch consent.kind {
            case .authorise(let actors):
                if !isAuthorised, actors.contains(where: p.isNamed(by:)) { isAuthorised = true }
            case .gpEquivalent(let actors):
                if !isGPEquivalent, actors.contains(where: p.isNamed(by:)) { isGPEquivalent = true }
            case .block(let ids):
                if ids.contains(p.practitionerID) { isBlocked = true }
            case .objectToEmergencyAccess:
                patientObjectsToEmergencyAccess = true
            }
        }
        if let organization = p.organizationID {
            hasCareRelationship = patient.careRelationshipOrganizationIDs.contains(organization)
        }
        if !patientObjectsToEmergencyAccess {
            for grant in patient.emergencyGrants where grant.applies(to: p, at: now) {
                emergency = grant.purpose
                break
            }
        }
    }

    /// The strongest ground, ignoring a block: what the audit records.
    @inlinable
    var basis: AccessBasis? {
        if isGP { return .gp }
        if isGPEquivalent { return .gpEquivalent }
        if isAuthorised { return .authorised }
        if hasCareRelationship { return .careRelationship }
        if let emergency { return .emergency(emergency) }
        return nil
    }
}
