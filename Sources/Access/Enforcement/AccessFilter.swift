import FHIRCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Store

/// The read rules of one actor compiled into a ``Store/SearchCondition``, so that the store answers searches,
/// counts, pages, includes, chains and `$everything` with exactly what the actor may see, and nothing is filtered
/// afterwards (rule 7).
///
/// It reads the ``AccessIndex`` entries written with every version, and agrees with
/// ``AccessPolicy/decide(actor:action:patient:resource:now:matrix:)`` on every resource:
/// - resources of types outside the Patient compartment (Practitioner, Organization, Medication...) are shared:
///   every signed-in actor reads them;
/// - resources of Patient-compartment types that belong to no patient are seen by the operator only;
/// - the patient reads their record minus `INVISIBLE_PATIENT` resources not yet visible; a representative also
///   minus `INVISIBLE_REPRESENTANTS_LEGAUX`;
/// - built-in notifications (Communications in the notification category) are read by their recipients only;
/// - a professional reads the records of ``ProfessionalAccess`` (masked resources only where they are GP,
///   GP-equivalent or author), each type limited by the authorisation matrix, Consents limited to permits, plus
///   their own block.
public struct AccessFilter: Sendable {
    /// Whose rules.
    public enum Scope: Sendable, Hashable {
        /// No restriction: the operator (or the rules switched off).
        case everything
        /// The patient (`representative: false`) or one of their legal representatives.
        case patientSide(patientID: String, representative: Bool)
        /// A professional and the records they reach.
        case professional(ProfessionalAccess)
    }

    /// Whose rules.
    public var scope: Scope
    /// The matrix in force.
    public var matrix: AuthorisationMatrix
    /// The instant of the request (`INVISIBLE_PATIENT` delays, consent periods were applied at this instant).
    public var now: Date
    /// The visibility labels carried by at least one resource of the records in scope. A label no resource carries
    /// needs no condition (the query is then cheaper, and exactly as restrictive); nil: assume every label is used.
    public var labelsInUse: VisibilityLabels?

    /// The actor's own reference (`Practitioner/…`, `Patient/…`, `RelatedPerson/…`): the owner whose resources of
    /// ``ResourceOwner/ownedTypes`` (Subscriptions) they read; nil: none.
    public var owner: String?

    /// A filter.
    public init(scope: Scope, matrix: AuthorisationMatrix, now: Date, labelsInUse: VisibilityLabels? = nil, owner: String? = nil) {
        self.scope = scope
        self.matrix = matrix
        self.now = now
        self.labelsInUse = labelsInUse
        self.owner = owner
    }

    /// Whether a label needs a condition.
    private func inUse(_ label: VisibilityLabel) -> Bool { labelsInUse?.contains(label.option) ?? true }

    /// The patients whose records this filter reaches (nil: no restriction).
    public var patients: [String]? {
        switch scope {
        case .everything: nil
        case .patientSide(let id, _): [id]
        case .professional(let access): access.seesMasked + access.seesUnmasked + access.blockedBy
        }
    }

    /// Types outside the R4 Patient compartment that may still hold a person's data or an actor's private settings:
    /// a `Binary` (a document's content), a `Bundle` (a stored document or message, of any content), a `Task` (work about a patient: `Task.for`), a `Linkage` (which
    /// records are the same person), a `MessageHeader`, a `Contract`, a `GuidanceResponse` (about a subject),
    /// `VerificationResult`, `EnrollmentResponse`, `PaymentNotice` and `PaymentReconciliation` (insurance and
    /// payment matters). Until each has rules of its own, only the administrator reads or writes them: being
    /// outside the compartment must not make them readable by everyone. `Binary` has rules of its own for reads
    /// and writes (its content follows the DocumentReference its `securityContext` names, decided by the server's
    /// document rules); it stays here for searches, which remain the administrator's.
    public static let administratorOnlyTypes: Set<String> = [
        "Binary", "Bundle", "Task", "Linkage", "MessageHeader", "Contract", "GuidanceResponse",
        "VerificationResult", "EnrollmentResponse", "PaymentNotice", "PaymentReconciliation",
    ]

    /// Whether a resource type is shared (outside the Patient compartment, and neither administrator-only nor
    /// owned): readable by every signed-in actor.
    public static func isShared(_ type: String) -> Bool {
        !administratorOnlyTypes.contains(type) && !ResourceOwner.ownedTypes.contains(type) && !isInRecords(type)
    }

    /// Whether resources of a type belong to patients' records (the Patient itself, or a Patient-compartment type).
    public static func isInRecords(_ type: String) -> Bool {
        type == "Patient" || !R4.patientCompartment.links(for: type).isEmpty
    }

    /// The condition restricting a search over `types` (nil: every type) to what the actor may read; nil when
    /// nothing is restricted.
    public func condition(types: [String]?) -> SearchCondition? {
        if case .everything = scope { return nil }
        let all = types ?? R4.resourceTypes.sorted()
        let shared = all.filter(Self.isShared)
        let record = all.filter(Self.isInRecords)
        let owned = all.filter(ResourceOwner.ownedTypes.contains)
        if record.isEmpty && owned.isEmpty && !all.contains(where: Self.administratorOnlyTypes.contains) { return nil }
        var parts: [SearchCondition] = []
        if !shared.isEmpty { parts.append(.types(shared)) }
        if !record.isEmpty { parts += recordConditions(types: record) }
        if !owned.isEmpty, let owner {
            parts.append(.all([.types(owned), .match(param: "_tag", .token(TokenValue(system: .exactly(SystemCode.Systems.dossierSubscriptionOwner), code: owner)))]))
        }
        if parts.isEmpty { return .ids([]) }
        if types?.count == 1, parts.count == 1 {
            // One type: its `.types` restriction is the query's own.
            return Self.strippingTypes(parts[0])
        }
        return parts.count == 1 ? parts[0] : .any(parts)
    }

    /// `condition` with the actor's restriction added inside every chain and reverse chain (`_has`), so that a
    /// condition on resources the actor may not see never decides what they see.
    public func restrictingChains(_ searched: SearchCondition) -> SearchCondition {
        if case .everything = scope { return searched }
        switch searched {
        case .all(let parts): return .all(parts.map(restrictingChains))
        case .any(let parts): return .any(parts.map(restrictingChains))
        case .not(let inner): return .not(restrictingChains(inner))
        case .chain(let param, let targetType, let inner):
            let inner = restrictingChains(inner)
            return .chain(param: param, targetType: targetType, condition(types: [targetType]).map { .all([inner, $0]) } ?? inner)
        case .reverseChain(let sourceType, let param, let inner):
            let inner = restrictingChains(inner)
            return .reverseChain(sourceType: sourceType, param: param, condition(types: [sourceType]).map { .all([inner, $0]) } ?? inner)
        default:
            return searched
        }
    }

    // MARK: Records

    /// Communications are split: built-in notifications are read by their recipients only (wherever the record),
    /// every other Communication by the record's rules.
    private func recordConditions(types: [String]) -> [SearchCondition] {
        guard types.contains("Communication") else { return ordinaryRecordConditions(types: types) }
        var conditions = ordinaryRecordConditions(types: types.filter { $0 != "Communication" })
        var communications: [SearchCondition] = []
        let ordinary = ordinaryRecordConditions(types: ["Communication"])
        if !ordinary.isEmpty {
            communications.append(.all([.not(AccessIndex.isNotification), ordinary.count == 1 ? ordinary[0] : .any(ordinary)]))
        }
        if let recipients = notificationRecipients {
            communications.append(.all([AccessIndex.isNotification, AccessIndex.addressed(to: recipients)]))
        }
        if !communications.isEmpty {
            conditions.append(.all([.types(["Communication"]), communications.count == 1 ? communications[0] : .any(communications)]))
        }
        return conditions
    }

    /// Who this actor is as the recipient of a notification (``AccessPolicy``'s rule: the patient, also for their
    /// representatives; a professional personally, or in the role they act in).
    private var notificationRecipients: [ActorReference]? {
        switch scope {
        case .everything: nil
        case .patientSide(let patientID, _): [.patient(patientID)]
        case .professional(let access):
            [ActorReference.practitioner(access.professional.practitionerID)]
                + (access.professional.roleID.map { [ActorReference.practitionerRole($0)] } ?? [])
        }
    }

    private func ordinaryRecordConditions(types: [String]) -> [SearchCondition] {
        guard !types.isEmpty else { return [] }
        switch scope {
        case .everything:
            return []
        case .patientSide(let patientID, let representative):
            var conditions: [SearchCondition] = [.types(types), .patientRecord([patientID])]
            if inUse(.invisibleToPatient) { conditions.append(.not(notYetVisibleToPatient)) }
            if representative, inUse(.invisibleToRepresentatives) { conditions.append(.not(AccessIndex.condition(.invisibleToRepresentatives))) }
            return [.all(conditions)]
        case .professional(let access):
            return professionalConditions(access, types: types)
        }
    }

    /// `INVISIBLE_PATIENT` and not yet one month after the document date (or no date).
    private var notYetVisibleToPatient: SearchCondition {
        let micros = Int64((now.timeIntervalSince1970 * 1_000_000).rounded(.down))
        return .all([AccessIndex.condition(.invisibleToPatient),
                     .not(.match(param: AccessIndex.visibleFrom, .date(.le, DateRange(low: micros, high: micros))))])
    }

    private func professionalConditions(_ access: ProfessionalAccess, types: [String]) -> [SearchCondition] {
        let p = access.professional
        var readable: [SearchCondition] = []
        if !access.seesMasked.isEmpty { readable.append(.patientRecord(access.seesMasked)) }
        if !access.seesUnmasked.isEmpty {
            var authors: [SearchCondition] = [.match(param: AccessIndex.author, .reference(.local(type: "Practitioner", id: p.practitionerID)))]
            if let role = p.roleID {
                authors.append(.match(param: AccessIndex.author, .reference(.local(type: "PractitionerRole", id: role))))
            }
            if inUse(.maskedFromProfessionals) {
                readable.append(.all([.patientRecord(access.seesUnmasked),
                                      .any([.not(AccessIndex.condition(.maskedFromProfessionals))] + authors)]))
            } else {
                readable.append(.patientRecord(access.seesUnmasked))
            }
        }
        var conditions: [SearchCondition] = []
        if !readable.isEmpty {
            let records: SearchCondition = readable.count == 1 ? readable[0] : .any(readable)
            var everyResource: [String] = []
            for type in types {
                guard let rule = matrix.entries[p.profession]?.read[type] ?? matrix.entries[p.profession]?.read["*"] else { continue }
                var parts: [SearchCondition] = []
                if type == "Consent" {
                    parts.append(.any([AccessIndex.condition(.authorise([])), AccessIndex.condition(.gpEquivalent([]))]))
                }
                switch rule {
                case .all where parts.isEmpty:
                    everyResource.append(type)
                    continue
                case .all:
                    break
                case .codes(let codes):
                    guard !codes.isEmpty else { continue }
                    parts.append(.any(codes.sorted { $0.token < $1.token }.map {
                        .match(param: AccessIndex.code, .token(TokenValue(system: .exactly($0.system), code: $0.code)))
                    }))
                }
                conditions.append(.all([.types([type]), records] + parts))
            }
            if !everyResource.isEmpty { conditions.insert(.all([.types(everyResource), records]), at: 0) }
        }
        if types.contains("Consent"), !access.blockedBy.isEmpty {
            conditions.append(.all([.types(["Consent"]), .patientRecord(access.blockedBy),
                                    AccessIndex.condition(.block(practitionerIDs: [])),
                                    .match(param: AccessIndex.blocks, .reference(.local(type: "Practitioner", id: p.practitionerID)))]))
        }
        return conditions
    }

    /// Drops a leading `.types([t])` conjunct (the single-type search already restricts the type).
    private static func strippingTypes(_ condition: SearchCondition) -> SearchCondition {
        guard case .all(let parts) = condition, case .types(let types)? = parts.first, types.count == 1 else { return condition }
        let rest = Array(parts.dropFirst())
        return rest.count == 1 ? rest[0] : .all(rest)
    }
}
