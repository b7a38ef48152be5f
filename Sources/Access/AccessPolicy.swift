#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The shared-record rules (DOMAIN.md "Who may see what", rules 1-7 and 9; RULES-API.md) as one pure function.
///
/// Pure and cheap: no I/O, no clock (``decide(actor:action:patient:resource:now:matrix:)`` takes `now`), no
/// allocation on the read path. The HTTP layer asks it for every resource it would show or change; the query
/// compiler must agree with it (the leak test checks that).
///
/// Choices where the documents are silent, as a careful privacy officer would expect them:
/// - **Refusals never reveal more than the actor may see.** A refusal is `forbidden` only when the actor may read
///   the resource (or already knows the fact, like their own block or the patient's objection when breaking the
///   glass); otherwise it is `notFound`, exactly like an absent resource (rule 7).
/// - **Patient visibility (rule 1).** `INVISIBLE_PATIENT` hides a resource from the patient (and so from their
///   representatives) until ``ResourceAccessMetadata/patientVisibleFrom``: visible from that instant on
///   (`now >= documentDate + 1 calendar month`, UTC, day clamped). Without a document date it stays hidden until the
///   author removes the label.
/// - **Representatives** act like the patient, minus `INVISIBLE_REPRESENTANTS_LEGAUX` resources; they may mask from
///   professionals (DESIGN and issue: "by the patient (or representative)") but not change the label that hides a
///   document from themselves.
/// - **Professionals (rule 2)** need a ground, in this order of preference for the audit basis: GP, GP-equivalent,
///   authorisation (person, role, care team or organisation, active and within its period), care relationship at
///   their organisation, live emergency grant. Authorship is not a ground: an author without a ground sees nothing.
/// - **Block (rule 3)** beats every ground for everything but adding (rule 6) and reading the block itself.
///   A blocked professional with a ground may still `create` (the patient "cannot block an authorised professional
///   from adding"), but may not read, update, delete, relabel, break the glass or record consents.
/// - **Objection to emergency access** refuses new grants and also voids live ones: the patient's current wish wins.
/// - **Masking (rule 4)**: `MASQUE_PS` hides from professionals except the author (the Practitioner or the
///   PractitionerRole named as author; an authoring Organization does not make all its staff authors), the GP and
///   GP-equivalents. Emergency access does not see masked documents.
/// - **Matrix (rule 5)** limits every professional ground, the GP and authors included; it does not limit adding.
/// - **Updates and deletes** need read access and, when the resource records authors, being one of them (person,
///   role or organisation). Patients and representatives change and delete only what was patient-added; their
///   additions must be marked patient-added.
/// - **Consents**: patients and representatives take every decision; a professional may record an authorisation
///   (not GP-equivalent, not a deny) the patient gives in person, even with no ground yet; professionals read
///   permits (with a ground and the matrix) and their own block, never other deny decisions.
/// - **Labels**: `MASQUE_PS` by the patient or representative; `INVISIBLE_PATIENT` by the author only;
///   `INVISIBLE_REPRESENTANTS_LEGAUX` by the patient only. Nobody else, the operator included.
/// - **Closed record (rule 9)**: professionals find nothing (break the glass included); the patient and
///   representatives may still read but change nothing until it is re-opened; the operator keeps system access.
/// - **Built-in notifications** (a `Communication` in the `notification` category) are read by their recipients
///   (a professional named personally, the patient and their representatives when the patient is a recipient) and
///   the operator, nobody else, whatever their access to the record; nobody but the server and the operator writes
///   them (403): a client cannot forge one.
/// - **Operator** (`dossier token --admin`): reads, creates, updates and deletes anything (audited), but takes none
///   of the patient's decisions and never breaks the glass.
public enum AccessPolicy {
    /// Decides whether `actor` may do `action` on `resource`, a resource of `patient`'s record, at `now`.
    @inlinable
    public static func decide(actor: AccessActor, action: AccessAction, patient: PatientAccessContext,
                              resource: ResourceAccessMetadata, now: Date,
                              matrix: AuthorisationMatrix) -> AccessDecision {
        var action = action
        if resource.resourceType == "Consent" {
            switch action {
            case .create, .update, .delete: action = .changeConsent
            default: break
            }
        }
        if let recipients = resource.notificationRecipients {
            return decideForNotification(actor, action, recipients)
        }
        switch actor {
        case .administrator:
            return decideForAdministrator(action)
        case .patient(let id):
            guard id == patient.patientID else { return .deny(.notFound, .noAccess) }
            return decideForPatientSide(representative: false, action, patient, resource, now)
        case .representative(let representative):
            guard representative.patientID == patient.patientID else { return .deny(.notFound, .noAccess) }
            return decideForPatientSide(representative: true, action, patient, resource, now)
        case .professional(let professional):
            return decideForProfessional(professional, action, patient, resource, now, matrix)
        }
    }

    @usableFromInline
    static func decideForAdministrator(_ action: AccessAction) -> AccessDecision {
        switch action {
        case .read, .create, .update, .delete: .permit(.administrator)
        case .changeConsent, .addLabel, .removeLabel: .deny(.forbidden, .notTheActorsDecision)
        case .breakTheGlass: .deny(.forbidden, .notAProfessional)
        }
    }

    /// A built-in notification is read by its recipients (the patient also by their representatives) and the
    /// operator, by nobody else, whatever their access to the record; it is written by the server (or the operator)
    /// alone, so that nobody can forge one.
    @usableFromInline
    static func decideForNotification(_ actor: AccessActor, _ action: AccessAction, _ recipients: [ActorReference]) -> AccessDecision {
        if case .administrator = actor { return decideForAdministrator(action) }
        guard action == .read else { return .deny(.forbidden, .serverNotification) }
        switch actor {
        case .administrator:
            return .permit(.administrator)
        case .patient(let id):
            return recipients.contains(.patient(id)) ? .permit(.patient) : .deny(.notFound, .noAccess)
        case .representative(let r):
            return recipients.contains(.patient(r.patientID)) ? .permit(.representative) : .deny(.notFound, .noAccess)
        case .professional(let p):
            return recipients.contains(where: p.isPersonallyNamed(by:)) ? .permit(.recipient) : .deny(.notFound, .noAccess)
        }
    }

    @usableFromInline
    static func decideForPatientSide(representative: Bool, _ action: AccessAction, _ patient: PatientAccessContext,
                                     _ resource: ResourceAccessMetadata, _ now: Date) -> AccessDecision {
        if resource.labels.contains(.invisibleToPatient) {
            guard let visibleFrom = resource.patientVisibleFrom, now >= visibleFrom else {
                return .deny(.notFound, .notYetVisibleToPatient)
            }
        }
        if representative, resource.labels.contains(.invisibleToRepresentatives) {
            return .deny(.notFound, .hiddenFromRepresentatives)
        }
        let basis: AccessBasis = representative ? .representative : .patient
        switch action {
        case .read: return .permit(basis)
        case .breakTheGlass: return .deny(.forbidden, .notAProfessional)
        default: break
        }
        if patient.isClosed { return .deny(.forbidden, .recordClosed) }
        switch action {
        case .create:
            return resource.addedByPatient ? .permit(basis) : .deny(.forbidden, .notMarkedAsPatientAdded)
        case .update, .delete:
            return resource.addedByPatient ? .permit(basis) : .deny(.forbidden, .notAuthor)
        case .changeConsent, .addLabel(.maskedFromProfessionals), .removeLabel(.maskedFromProfessionals):
            return .permit(basis)
        case .addLabel(.invisibleToRepresentatives), .removeLabel(.invisibleToRepresentatives):
            return representative ? .deny(.forbidden, .notTheActorsDecision) : .permit(basis)
        case .addLabel(.invisibleToPatient), .removeLabel(.invisibleToPatient):
            return .deny(.forbidden, .notTheActorsDecision)
        case .read, .breakTheGlass:
            return .deny(.forbidden, .notAProfessional)  // handled above
        }
    }

    @usableFromInline
    static func decideForProfessional(_ p: AccessActor.Professional, _ action: AccessAction,
                                      _ patient: PatientAccessContext, _ resource: ResourceAccessMetadata,
                                      _ now: Date, _ matrix: AuthorisationMatrix) -> AccessDecision {
        if patient.isClosed { return .deny(.notFound, .recordClosed) }
        let grounds = ProfessionalGrounds(p, patient, now)

        switch action {
        case .breakTheGlass(let purpose):
            if grounds.isBlocked { return .deny(.forbidden, .blocked) }
            if grounds.patientObjectsToEmergencyAccess { return .deny(.forbidden, .emergencyObjected) }
            guard matrix.allowsBreakTheGlass(p.profession, purpose) else {
                return .deny(.forbidden, .professionMayNotBreakTheGlass)
            }
            return .permit(.emergency(purpose))

        case .create:
            guard let basis = grounds.basis else { return .deny(.notFound, .noAccess) }
            return .permit(basis)

        case .read:
            return read(p, grounds, resource, matrix)

        case .update, .delete:
            let read = read(p, grounds, resource, matrix)
            guard case .permit(let basis) = read else { return read }
            if basis == .ownBlock { return .deny(.forbidden, .blocked) }
            if !resource.authors.isEmpty, !resource.authors.contains(where: p.isNamed(by:)) {
                return .deny(.forbidden, .notAuthor)
            }
            return read

        case .changeConsent:
            if grounds.isBlocked { return .deny(.forbidden, .blocked) }
            if case .authorise? = resource.consent?.kind { return .permit(grounds.basis ?? .inPersonConsent) }
            let read = read(p, grounds, resource, matrix)
            return read.isPermitted ? .deny(.forbidden, .notTheActorsDecision) : read

        case .addLabel(let label), .removeLabel(let label):
            let read = read(p, grounds, resource, matrix)
            guard case .permit(let basis) = read else { return read }
            if basis == .ownBlock { return .deny(.forbidden, .blocked) }
            guard label == .invisibleToPatient else { return .deny(.forbidden, .notTheActorsDecision) }
            return resource.authors.contains(where: p.isPersonallyNamed(by:)) ? read : .deny(.forbidden, .notAuthor)
        }
    }

    /// Rules 2-5 for a professional's read.
    @usableFromInline
    static func read(_ p: AccessActor.Professional, _ grounds: ProfessionalGrounds,
                     _ resource: ResourceAccessMetadata, _ matrix: AuthorisationMatrix) -> AccessDecision {
        if let consent = resource.consent, case .block(let ids) = consent.kind, ids.contains(p.practitionerID) {
            return .permit(.ownBlock)
        }
        if grounds.isBlocked { return .deny(.notFound, .blocked) }
        guard let basis = grounds.basis else { return .deny(.notFound, .noAccess) }
        if resource.resourceType == "Consent", resource.consent?.kind.isPermit != true {
            return .deny(.notFound, .noAccess)
        }
        if resource.labels.contains(.maskedFromProfessionals), !grounds.isGP, !grounds.isGPEquivalent,
           !resource.authors.contains(where: p.isPersonallyNamed(by:)) {
            return .deny(.notFound, .masked)
        }
        guard matrix.allowsRead(p.profession, resource) else { return .deny(.notFound, .matrix) }
        return .permit(basis)
    }
}
