import Access
import FHIRCore
import Foundation
import Store

/// The shared-record rules on the request path: the caller becomes an actor, reads are decided by
/// ``Access/AccessPolicy``, searches carry the actor's ``Access/AccessFilter``.
extension FHIRService {
    /// The access of a request: unrestricted when the rules are off; otherwise the caller's actor (401 without a
    /// caller).
    func resolveAccess(_ request: FHIRRequest) async throws -> RequestAccess {
        let now = Date()
        guard configuration.accessRules else { return RequestAccess(caller: request.caller, actor: nil, now: now) }
        // The CapabilityStatement is public: it is how a client learns where to sign in.
        if request.path == ["metadata"] { return RequestAccess(caller: request.caller, actor: nil, now: now) }
        guard let caller = request.caller else {
            throw FHIRError(.unauthorized, "This server needs a bearer token (Authorization: Bearer …); see /.well-known/smart-configuration", issueType: "login")
        }
        return RequestAccess(caller: caller, actor: try await actor(of: caller, now: now), now: now)
    }

    /// The actor a caller signs in as.
    func actor(of caller: RequestCaller, now: Date) async throws -> AccessActor {
        if caller.isOperator { return .administrator }
        guard let fhirUser = caller.fhirUser else {
            // A backend service (SMART client credentials) acts as a system, with system-level access.
            return .administrator
        }
        let key = fhirUser + "|" + (caller.role ?? "")
        if let cached = accessCache.actor(key, now: now) { return cached }
        let generation = accessCache.generation
        let actor: AccessActor
        switch ActorReference(reference: fhirUser) {
        case .patient(let id)?:
            actor = .patient(id: id)
        case .relatedPerson(let id)?:
            actor = try await representative(id)
        case .practitioner(let id)?:
            actor = .professional(try await professional(id, role: caller.role))
        default:
            throw FHIRError(.forbidden, "The token's user \(fhirUser) is not a Patient, Practitioner or RelatedPerson", issueType: "forbidden")
        }
        accessCache.setActor(actor, for: key, generation: generation, now: now)
        return actor
    }

    private func representative(_ id: String) async throws -> AccessActor {
        guard let stored = try await store.read(type: "RelatedPerson", id: id), !stored.isDeleted,
              let json = try? JSON.parse(stored.content),
              let patient = json["patient"]?["reference"]?.stringValue, case .patient(let patientID)? = ActorReference(reference: patient) else {
            throw FHIRError(.forbidden, "RelatedPerson/\(id) is not the representative of a patient", issueType: "forbidden")
        }
        let codes = (json["relationship"]?.arrayValue ?? []).flatMap { $0["coding"]?.arrayValue ?? [] }
        let relationship = codes.lazy.compactMap { coding -> AccessActor.Representative.Relationship? in
            guard coding["system"]?.stringValue == SystemCode.Systems.roleCode, let code = coding["code"]?.stringValue else { return nil }
            return AccessActor.Representative.Relationship(rawValue: code)
        }.first
        guard let relationship else {
            throw FHIRError(.forbidden, "RelatedPerson/\(id) is not a legal representative (relationship GUARD or PRN)", issueType: "forbidden")
        }
        return .representative(.init(relatedPersonID: id, patientID: patientID, relationship: relationship))
    }

    private func professional(_ practitionerID: String, role roleReference: String?) async throws -> AccessActor.Professional {
        var role: JSON?
        if let roleReference {
            guard case .practitionerRole(let roleID)? = ActorReference(reference: roleReference),
                  let stored = try await store.read(type: "PractitionerRole", id: roleID), !stored.isDeleted,
                  let json = try? JSON.parse(stored.content),
                  json["practitioner"]?["reference"]?.stringValue == "Practitioner/\(practitionerID)" else {
                throw FHIRError(.forbidden, "\(roleReference) is not a role of Practitioner/\(practitionerID)", issueType: "forbidden")
            }
            role = json
        } else {
            let page = try await store.search(SearchQuery(type: "PractitionerRole",
                condition: .match(param: "practitioner", .reference(.local(type: "Practitioner", id: practitionerID))), limit: 50))
            role = page.resources.compactMap { try? JSON.parse($0.content) }.first { $0["active"]?.boolValue != false }
        }
        let codings = (role?["code"]?.arrayValue ?? []).flatMap { $0["coding"]?.arrayValue ?? [] }
        let profession = codings.lazy.compactMap { c -> Profession? in
            guard let system = c["system"]?.stringValue, let code = c["code"]?.stringValue else { return nil }
            let profession = Profession(system: system, code: code)
            return Profession.known.contains(profession) || self.configuration.matrix.entries[profession] != nil ? profession : nil
        }.first ?? Profession(system: SystemCode.Systems.dossierProfession, code: "unknown")
        let organizationID = PatientContextQueries.organizationID(role?["organization"])
        let roleID = role?["id"]?.stringValue
        var members = [SearchCondition.match(param: "participant", .reference(.local(type: "Practitioner", id: practitionerID)))]
        if let roleID { members.append(.match(param: "participant", .reference(.local(type: "PractitionerRole", id: roleID)))) }
        let teams = try await store.search(SearchQuery(type: "CareTeam", condition: .any(members), limit: 1_000))
        let careTeamIDs = teams.resources.compactMap { stored -> String? in
            guard let json = try? JSON.parse(stored.content) else { return nil }
            let status = json["status"]?.stringValue
            return status == "inactive" || status == "entered-in-error" ? nil : stored.id
        }
        return AccessActor.Professional(practitionerID: practitionerID, roleID: roleID, organizationID: organizationID,
                                        profession: profession, careTeamIDs: careTeamIDs)
    }

    // MARK: Patients

    /// The access contexts of patients (cached until a relevant write).
    func patientContexts(_ ids: [String], now: Date) async throws -> [String: PatientAccessContext] {
        var contexts: [String: PatientAccessContext] = [:]
        var missing: [String] = []
        for id in Set(ids) {
            if let cached = accessCache.patient(id, now: now) { contexts[id] = cached } else { missing.append(id) }
        }
        guard !missing.isEmpty else { return contexts }
        let generation = accessCache.generation
        let queries = PatientContextQueries(patientIDs: missing.sorted())
        var results: [[StoredResource]] = []
        for query in queries.queries { results.append(try await store.search(query).resources) }
        let loaded = queries.assemble(results)
        accessCache.setPatients(loaded, generation: generation, now: now)
        return contexts.merging(loaded) { a, _ in a }
    }

    /// The records a professional reaches now.
    func professionalAccess(_ p: AccessActor.Professional, now: Date) async throws -> ProfessionalAccess {
        if let cached = accessCache.professional(p, now: now) { return cached }
        let generation = accessCache.generation
        var results: [[StoredResource]] = []
        for query in ProfessionalCandidateQueries(professional: p).queries { results.append(try await store.search(query).resources) }
        let candidates = ProfessionalCandidateQueries.patients(results)
        let contexts = try await patientContexts(candidates, now: now)
        var access = ProfessionalAccess(professional: p)
        for id in candidates {
            guard let context = contexts[id] else { continue }
            // Their own blocks (in force or withdrawn) are theirs to see, in any open record.
            if !context.isClosed, context.consents.contains(where: { if case .block(let ids) = $0.kind { ids.contains(p.practitionerID) } else { false } }) {
                access.blockedBy.append(id)
            }
            switch AccessPolicy.standing(of: p, patient: context, now: now) {
            case .none, .blocked: break
            case .reads(let basis, let seesMasked):
                if basis.isOverride { access.inEmergency.append(id) }
                if seesMasked { access.seesMasked.append(id) } else { access.seesUnmasked.append(id) }
            }
        }
        accessCache.setProfessional(access, generation: generation, now: now)
        return access
    }

    /// The filter of a request's searches; nil when unrestricted.
    func accessFilter(_ access: RequestAccess) async throws -> AccessFilter? {
        let scope: AccessFilter.Scope
        switch access.actor {
        case nil, .administrator?: return nil
        case .patient(let id)?: scope = .patientSide(patientID: id, representative: false)
        case .representative(let r)?: scope = .patientSide(patientID: r.patientID, representative: true)
        case .professional(let p)?: scope = .professional(try await professionalAccess(p, now: access.now))
        }
        var filter = AccessFilter(scope: scope, matrix: configuration.matrix, now: access.now, owner: Self.ownerCode(access.actor))
        if let patients = filter.patients { filter.labelsInUse = try await labelsInUse(patients, now: access.now) }
        return filter
    }

    /// The visibility labels carried by at least one resource of these records (cached until a write that could add
    /// one: any version carrying a DMP label bumps the cache).
    func labelsInUse(_ patients: [String], now: Date) async throws -> VisibilityLabels {
        guard !patients.isEmpty else { return [] }
        let key = patients.count == 1 ? patients[0] : patients.sorted().joined(separator: ",")
        if let cached = accessCache.labels(key, now: now) { return cached }
        let generation = accessCache.generation
        var labels: VisibilityLabels = []
        for label in VisibilityLabel.allCases {
            let condition = SearchCondition.all([.patientRecord(patients), AccessIndex.condition(label)])
            if try await !store.search(SearchQuery(type: nil, condition: condition, limit: 1)).resources.isEmpty { labels.insert(label.option) }
        }
        accessCache.setLabels(labels, for: key, generation: generation, now: now)
        return labels
    }

    // MARK: Decisions

    /// The decision when it needs no patient's context; nil when it does. The operator is decided by the policy
    /// alone; administrator-only types (``Access/AccessFilter/administratorOnlyTypes``) are the operator's alone;
    /// shared resources (Practitioner, Organization, Medication...) are read by every signed-in actor and
    /// written by professionals and the operator; a Patient-compartment resource of no patient is the operator's.
    func decisionWithoutRecord(_ actor: AccessActor, _ action: AccessAction, type: String, patientKey: String,
                               at now: Date) -> AccessDecision? {
        if case .administrator = actor { return decide(actor, action, PatientAccessContext(patientID: patientKey), ResourceAccessMetadata(resourceType: type), at: now) }
        if AccessFilter.administratorOnlyTypes.contains(type) { return .deny(action == .read ? .notFound : .forbidden, .noAccess) }
        if AccessFilter.isShared(type) {
            guard action != .read else { return .permit(.authorised) }
            switch actor {
            case .administrator: return .permit(.administrator)
            case .professional: return .permit(.authorised)
            case .patient, .representative: return .deny(.forbidden, .notAProfessional)
            }
        }
        return patientKey.isEmpty ? .deny(action == .read ? .notFound : .forbidden, .noAccess) : nil
    }

    /// ``Access/AccessPolicy/decide(actor:action:patient:resource:now:matrix:)`` with the matrix in force.
    func decide(_ actor: AccessActor, _ action: AccessAction, _ patient: PatientAccessContext, _ resource: ResourceAccessMetadata,
                at now: Date) -> AccessDecision {
        AccessPolicy.decide(actor: actor, action: action, patient: patient, resource: resource, now: now, matrix: configuration.matrix)
    }

    /// Whether the actor may read a stored version (a read reached through an emergency access is noted for the audit).
    func mayRead(_ stored: StoredResource, access: RequestAccess) async throws -> Bool {
        guard let actor = access.actor else { return true }
        if let owned = ownedReadPermitted(actor, stored) { return owned }
        if stored.type == "Binary", actor != .administrator { return try await mayReadBinary(stored, access: access) }
        if let decision = decisionWithoutRecord(actor, .read, type: stored.type, patientKey: stored.patientKey, at: access.now) { return decision.isPermitted }
        let context = try await patientContexts([stored.patientKey], now: access.now)[stored.patientKey] ?? PatientAccessContext(patientID: stored.patientKey)
        let decision = decide(actor, .read, context, .extract(from: try JSON.parse(stored.content)), at: access.now)
        if decision.basis?.isOverride == true { access.trail.reachedInEmergency([stored.patientKey]) }
        return decision.isPermitted
    }

    /// Whether the actor may read a stored version, as a write transaction sees the patient's context.
    func mayRead(_ stored: StoredResource, in tx: any StoreTransaction, access: RequestAccess) throws -> Bool {
        guard let actor = access.actor else { return true }
        if let owned = ownedReadPermitted(actor, stored) { return owned }
        if stored.type == "Binary", actor != .administrator { return try mayReadBinary(stored, in: tx, access: access) }
        if let decision = decisionWithoutRecord(actor, .read, type: stored.type, patientKey: stored.patientKey, at: access.now) { return decision.isPermitted }
        return decide(actor, .read, try patientContext(tx, stored.patientKey), .extract(from: try JSON.parse(stored.content)), at: access.now).isPermitted
    }

    /// 403 when the token's scopes do not allow `interaction` on `type`.
    func requireScope(_ interaction: RequestCaller.Interaction, _ type: String, _ access: RequestAccess) throws(FHIRError) {
        guard configuration.accessRules, let caller = access.caller, !caller.isOperator else { return }
        guard caller.allows(interaction, type) else {
            throw FHIRError(.forbidden, "The token's scopes do not allow \(interaction) on \(type)", issueType: "forbidden")
        }
    }

    /// The FHIR error of a denial: `notFound` looks exactly like an absent resource.
    static func denial(_ decision: AccessDecision, type: String, id: String) -> FHIRError {
        guard case .deny(let denial, let reason) = decision else { return FHIRError(.internal, "not a denial") }
        switch denial {
        case .notFound: return FHIRError(.notFound, "\(type)/\(id) is not known")
        case .forbidden: return FHIRError(.forbidden, Self.explanation(reason), issueType: "forbidden")
        }
    }

    static func explanation(_ reason: DenialReason) -> String {
        switch reason {
        case .noAccess: "You have no access to this patient's record"
        case .recordClosed: "The patient's record is closed"
        case .blocked: "The patient has not authorised you"
        case .masked, .matrix, .notYetVisibleToPatient, .hiddenFromRepresentatives: "You may not see this"
        case .notTheActorsDecision: "Only the patient (or their representative) takes this decision"
        case .notAuthor: "Only the author may change this"
        case .notMarkedAsPatientAdded: "What a patient adds must be marked as patient-added"
        case .emergencyObjected: "The patient objected to emergency access"
        case .professionMayNotBreakTheGlass: "Your profession may not declare an emergency with this purpose"
        case .notAProfessional: "Only professionals may do this"
        case .serverNotification: "Notifications (Communication with a category of \(SystemCode.Systems.dossierNotification)) are written by the server only"
        }
    }
}
