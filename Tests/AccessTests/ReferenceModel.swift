import Access
import Foundation

/// The access rules written a second time, literally and slowly, from DOMAIN.md rules 1-9, RULES-API.md and the
/// choices documented on `AccessPolicy`: an ordered table of (rule, condition, outcome); the first rule whose
/// condition holds decides. Times use Foundation's Calendar, sets and filters are used freely: nothing is shared
/// with the production code but the input types.
enum ReferenceModel {
    /// What the model answers; compared with the production decision (permit basis or denial kind).
    enum Outcome: Hashable, CustomStringConvertible {
        case permit(AccessBasis)
        case notFound
        case forbidden

        init(_ decision: AccessDecision) {
            switch decision {
            case .permit(let basis): self = .permit(basis)
            case .deny(.notFound, _): self = .notFound
            case .deny(.forbidden, _): self = .forbidden
            }
        }

        var description: String {
            switch self {
            case .permit(let b): "permit(\(b))"
            case .notFound: "notFound"
            case .forbidden: "forbidden"
            }
        }
    }

    struct Case: CustomStringConvertible {
        var actor: AccessActor
        var action: AccessAction
        var patient: PatientAccessContext
        var resource: ResourceAccessMetadata
        var now: Date
        var matrix: AuthorisationMatrix

        var description: String {
            "actor: \(actor)\naction: \(action)\npatient: \(patient)\nresource: \(resource)\nnow: \(now)"
        }
    }

    struct Rule: Sendable {
        let name: String
        let when: @Sendable (Case) -> Bool
        let then: @Sendable (Case) -> Outcome
    }

    static func decide(_ c: Case) -> Outcome {
        for rule in rules where rule.when(c) { return rule.then(c) }
        fatalError("no rule applies to \(c)")
    }

    static let rules: [Rule] = [
        // The operator: system access, no patient decisions, no emergencies.
        Rule(name: "operator may read and write", when: { isAdmin($0) && isPlainDataAction($0) }, then: { _ in .permit(.administrator) }),
        Rule(name: "operator takes no patient decision", when: { isAdmin($0) }, then: { _ in .forbidden }),

        // Patients and representatives.
        Rule(name: "another patient's record is not found", when: { isPatientSide($0) && !representsThisPatient($0) }, then: { _ in .notFound }),
        Rule(name: "rule 1: not yet visible to the patient", when: { isPatientSide($0) && !visibleToPatient($0) }, then: { _ in .notFound }),
        Rule(name: "rule 4: hidden from representatives", when: { isRepresentative($0) && has($0, .invisibleToRepresentatives) }, then: { _ in .notFound }),
        Rule(name: "rule 1: the patient sees the rest", when: { isPatientSide($0) && $0.action == .read }, then: { patientBasis($0) }),
        Rule(name: "patients do not break the glass", when: { isPatientSide($0) && isBreakTheGlass($0) }, then: { _ in .forbidden }),
        Rule(name: "rule 9: a closed record is read-only", when: { isPatientSide($0) && $0.patient.isClosed }, then: { _ in .forbidden }),
        Rule(name: "consents are the patient's", when: { isPatientSide($0) && isConsentChange($0) }, then: { patientBasis($0) }),
        Rule(name: "rule 6: patients add, change and delete what is marked patient-added",
             when: { isPatientSide($0) && isPlainDataAction($0) }, then: { $0.resource.addedByPatient ? patientBasis($0) : .forbidden }),
        Rule(name: "rule 4: patient and representative mask", when: { isPatientSide($0) && labelChanged($0) == .maskedFromProfessionals }, then: { patientBasis($0) }),
        Rule(name: "rule 4: the patient hides from representatives",
             when: { isPatient($0) && labelChanged($0) == .invisibleToRepresentatives }, then: { patientBasis($0) }),
        Rule(name: "other labels are not the patient's", when: { isPatientSide($0) }, then: { _ in .forbidden }),

        // Professionals.
        Rule(name: "rule 9: a closed record is not found", when: { $0.patient.isClosed }, then: { _ in .notFound }),
        Rule(name: "rule 3: no emergency for the blocked", when: { isBreakTheGlass($0) && blocked($0) }, then: { _ in .forbidden }),
        Rule(name: "rule 2: no emergency if the patient objected", when: { isBreakTheGlass($0) && objected($0) }, then: { _ in .forbidden }),
        Rule(name: "rule 5: professions that may not break the glass",
             when: { isBreakTheGlass($0) && !mayBreakTheGlass($0) }, then: { _ in .forbidden }),
        Rule(name: "rule 2: emergency access", when: { isBreakTheGlass($0) }, then: { .permit(.emergency(breakTheGlassPurpose($0)!)) }),
        Rule(name: "rule 6: a professional with a ground may add, blocked or not", when: { isCreate($0) },
             then: { strongestGround($0).map(Outcome.permit) ?? .notFound }),
        Rule(name: "read", when: { $0.action == .read }, then: { professionalRead($0) }),
        Rule(name: "consent changes: blocked", when: { isConsentChange($0) && blocked($0) }, then: { _ in .forbidden }),
        Rule(name: "consent changes: an in-person authorisation", when: { isConsentChange($0) && isPlainAuthorisation($0) },
             then: { .permit(strongestGround($0) ?? .inPersonConsent) }),
        Rule(name: "what you cannot read is not found", when: { !isPermit(professionalRead($0)) }, then: { professionalRead($0) }),
        Rule(name: "your own block cannot be changed by you", when: { isPermit(professionalRead($0), .ownBlock) }, then: { _ in .forbidden }),
        Rule(name: "other consents are the patient's", when: { isConsentChange($0) }, then: { _ in .forbidden }),
        Rule(name: "updates and deletes by an author", when: { isUpdateOrDelete($0) },
             then: { $0.resource.authors.isEmpty || $0.resource.authors.contains(where: namesProfessionalOrOrganisation($0)) ? professionalRead($0) : .forbidden }),
        Rule(name: "INVISIBLE_PATIENT by its author", when: { labelChanged($0) == .invisibleToPatient && isPersonalAuthor($0) },
             then: { professionalRead($0) }),
        Rule(name: "no other label is a professional's", when: { _ in true }, then: { _ in .forbidden }),
    ]

    // MARK: The professional's read, rules 2 to 5.

    static func professionalRead(_ c: Case) -> Outcome {
        if ownBlockConsent(c) { return .permit(.ownBlock) }
        if blocked(c) { return .notFound }
        guard let ground = strongestGround(c) else { return .notFound }
        if c.resource.resourceType == "Consent" {
            switch c.resource.consent?.kind {
            case .authorise?, .gpEquivalent?: break
            default: return .notFound
            }
        }
        if has(c, .maskedFromProfessionals) && !isGP(c) && !hasGPEquivalent(c) && !isPersonalAuthor(c) { return .notFound }
        if !matrixLetsRead(c) { return .notFound }
        return .permit(ground)
    }

    static func strongestGround(_ c: Case) -> AccessBasis? {
        var grounds: [AccessBasis] = []
        if isGP(c) { grounds.append(.gp) }
        if hasGPEquivalent(c) { grounds.append(.gpEquivalent) }
        if isAuthorisedByConsent(c) { grounds.append(.authorised) }
        if hasCareRelationship(c) { grounds.append(.careRelationship) }
        if let purpose = liveEmergencyPurpose(c) { grounds.append(.emergency(purpose)) }
        return grounds.first
    }

    // MARK: Facts, each read literally.

    static func professional(_ c: Case) -> AccessActor.Professional? {
        if case .professional(let p) = c.actor { p } else { nil }
    }

    static func isAdmin(_ c: Case) -> Bool { c.actor == .administrator }
    static func isPatient(_ c: Case) -> Bool { if case .patient = c.actor { true } else { false } }
    static func isRepresentative(_ c: Case) -> Bool { if case .representative = c.actor { true } else { false } }
    static func isPatientSide(_ c: Case) -> Bool { isPatient(c) || isRepresentative(c) }

    static func representsThisPatient(_ c: Case) -> Bool {
        switch c.actor {
        case .patient(let id): id == c.patient.patientID
        case .representative(let r): r.patientID == c.patient.patientID
        default: false
        }
    }

    static func patientBasis(_ c: Case) -> Outcome { .permit(isPatient(c) ? .patient : .representative) }

    static func has(_ c: Case, _ label: VisibilityLabel) -> Bool {
        switch label {
        case .maskedFromProfessionals: c.resource.labels.contains(.maskedFromProfessionals)
        case .invisibleToPatient: c.resource.labels.contains(.invisibleToPatient)
        case .invisibleToRepresentatives: c.resource.labels.contains(.invisibleToRepresentatives)
        }
    }

    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// One month after the document date, by Foundation's calendar.
    static func oneMonthAfter(_ date: Date) -> Date { utc.date(byAdding: .month, value: 1, to: date)! }

    static func visibleToPatient(_ c: Case) -> Bool {
        guard has(c, .invisibleToPatient) else { return true }
        guard let date = c.resource.documentDate else { return false }
        return c.now >= oneMonthAfter(date)
    }

    static func isConsentAction(_ c: Case) -> Bool { c.action == .changeConsent }
    static func isConsentChange(_ c: Case) -> Bool {
        c.action == .changeConsent
            || (c.resource.resourceType == "Consent" && [.create, .update, .delete].contains(c.action))
    }
    static func isPlainDataAction(_ c: Case) -> Bool {
        [.read, .create, .update, .delete].contains(c.action) && !isConsentChange(c)
    }
    static func isCreate(_ c: Case) -> Bool { c.action == .create && !isConsentChange(c) }
    static func isUpdateOrDelete(_ c: Case) -> Bool { (c.action == .update || c.action == .delete) && !isConsentChange(c) }
    static func isBreakTheGlass(_ c: Case) -> Bool { breakTheGlassPurpose(c) != nil }
    static func breakTheGlassPurpose(_ c: Case) -> EmergencyPurpose? {
        if case .breakTheGlass(let p) = c.action { p } else { nil }
    }
    static func labelChanged(_ c: Case) -> VisibilityLabel? {
        switch c.action {
        case .addLabel(let l), .removeLabel(let l): l
        default: nil
        }
    }

    static func isPlainAuthorisation(_ c: Case) -> Bool {
        if case .authorise? = c.resource.consent?.kind { true } else { false }
    }

    /// Consents whose status is active and whose period (if any) holds now: start inclusive, end exclusive.
    static func inForce(_ c: Case) -> [ConsentDecision] {
        c.patient.consents.filter { consent in
            guard consent.status == .active else { return false }
            if let start = consent.period?.start, c.now < start { return false }
            if let end = consent.period?.end, !(c.now < end) { return false }
            return true
        }
    }

    static func names(_ ref: ActorReference, _ p: AccessActor.Professional) -> Bool {
        switch ref {
        case .practitioner(let id): return id == p.practitionerID
        case .practitionerRole(let id): return p.roleID != nil && id == p.roleID!
        case .careTeam(let id): return Set(p.careTeamIDs).contains(id)
        case .organization(let id): return p.organizationID != nil && id == p.organizationID!
        default: return false
        }
    }

    static func namesPersonally(_ ref: ActorReference, _ p: AccessActor.Professional) -> Bool {
        switch ref {
        case .practitioner, .practitionerRole: names(ref, p)
        default: false
        }
    }

    static func namesProfessionalOrOrganisation(_ c: Case) -> (ActorReference) -> Bool {
        { ref in names(ref, professional(c)!) }
    }

    static func blocked(_ c: Case) -> Bool {
        guard let p = professional(c) else { return false }
        return inForce(c).contains { if case .block(let ids) = $0.kind { Set(ids).contains(p.practitionerID) } else { false } }
    }

    static func ownBlockConsent(_ c: Case) -> Bool {
        guard let p = professional(c), case .block(let ids)? = c.resource.consent?.kind else { return false }
        return ids.contains(p.practitionerID)
    }

    static func objected(_ c: Case) -> Bool {
        inForce(c).contains { $0.kind == .objectToEmergencyAccess }
    }

    static func isGP(_ c: Case) -> Bool {
        guard let p = professional(c) else { return false }
        return c.patient.generalPractitioners.contains { namesPersonally($0, p) }
    }

    static func hasGPEquivalent(_ c: Case) -> Bool {
        guard let p = professional(c) else { return false }
        return inForce(c).contains { if case .gpEquivalent(let refs) = $0.kind { refs.contains { names($0, p) } } else { false } }
    }

    static func isAuthorisedByConsent(_ c: Case) -> Bool {
        guard let p = professional(c) else { return false }
        return inForce(c).contains { if case .authorise(let refs) = $0.kind { refs.contains { names($0, p) } } else { false } }
    }

    static func hasCareRelationship(_ c: Case) -> Bool {
        guard let org = professional(c)?.organizationID else { return false }
        return Set(c.patient.careRelationshipOrganizationIDs).contains(org)
    }

    static func liveEmergencyPurpose(_ c: Case) -> EmergencyPurpose? {
        guard let p = professional(c), !objected(c) else { return nil }
        let live = c.patient.emergencyGrants.filter { grant in
            grant.practitionerID == p.practitionerID && (grant.roleID == nil || grant.roleID == p.roleID) && c.now < grant.expires
        }
        return live.first?.purpose
    }

    static func isPersonalAuthor(_ c: Case) -> Bool {
        guard let p = professional(c) else { return false }
        return c.resource.authors.contains { namesPersonally($0, p) }
    }

    static func matrixLetsRead(_ c: Case) -> Bool {
        guard let p = professional(c), let row = c.matrix.entries[p.profession] else { return false }
        let rule = row.read[c.resource.resourceType] ?? row.read["*"]
        switch rule {
        case nil: return false
        case .all?: return true
        case .codes(let allowed)?: return !allowed.isDisjoint(with: c.resource.codes)
        }
    }

    static func mayBreakTheGlass(_ c: Case) -> Bool {
        guard let p = professional(c), let purpose = breakTheGlassPurpose(c) else { return false }
        return c.matrix.entries[p.profession]?.breakTheGlass.contains(purpose) == true
    }

    static func isPermit(_ o: Outcome, _ basis: AccessBasis? = nil) -> Bool {
        guard case .permit(let b) = o else { return false }
        return basis == nil || b == basis
    }
}
