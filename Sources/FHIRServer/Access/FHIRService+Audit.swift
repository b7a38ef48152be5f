import Access
import Audit
import FHIRCore
import Foundation
import Store

/// Rule 8: every interaction becomes one AuditEvent (IHE BALP shape), appended durably to the audit trail before the
/// response leaves; `AuditEvent` reads and searches are answered from the trail, limited to what the actor may see.
extension FHIRService {
    /// The most entities one record lists (a search page lists its first ones; its query is recorded whole).
    static let maxAuditedEntities = 100

    /// Appends the audit record of a finished interaction; throws when the trail cannot record it, so that
    /// nothing leaves unrecorded.
    func audit(_ request: FHIRRequest, _ response: FHIRResponse) async throws {
        guard let auditLog, request.path != ["metadata"] else { return }
        try await auditLog.append([auditRecord(request, response)])
    }

    func auditRecord(_ request: FHIRRequest, _ response: FHIRResponse) -> AuditRecord {
        let access = request.access, trail = access.trail
        let (interaction, operation) = Self.interaction(request, bundleKind: trail.bundleKind)
        let outcome: AuditOutcome = switch response.status {
        case 200..<400: .success
        case 400..<500: .minorFailure
        default: .seriousFailure
        }
        var patients = trail.patients
        if request.path.count >= 2, request.path[0] == "Patient", !patients.contains(request.path[1]) { patients.insert(request.path[1], at: 0) }
        let emergencyReached = !trail.emergencyPatients.isDisjoint(with: patients)
        let emergency: AuditEmergency = trail.isOverride ? .override : emergencyReached ? .access : .none
        let basis = emergency != .none ? .emergency(.emergencyTreatment) : Self.basis(access.actor)
        let purpose = (basis?.purposeOfUse ?? []).map { AuditCoding(system: $0.system, code: $0.code) }
        let entities = trail.touched.prefix(Self.maxAuditedEntities).map {
            AuditEntity(reference: "\($0.type)/\($0.id)", version: String($0.version))
        }
        let query = request.query.isEmpty ? nil : request.query.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
        var description: String?
        if outcome != .success, let json = try? JSON.parse(response.body) {
            description = json["issue"]?[0]?["diagnostics"]?.stringValue
        }
        return AuditRecord(recorded: access.now, interaction: interaction, outcome: outcome, outcomeDescription: description,
                           agent: agent(access), purposeOfUse: purpose, emergency: emergency, patientIDs: patients,
                           entities: Array(entities), query: query, operation: operation,
                           description: "\(request.method.rawValue) \(request.path.joined(separator: "/"))",
                           source: AuditSource(name: "Dossier", baseURL: configuration.baseURL))
    }

    private static func basis(_ actor: AccessActor?) -> AccessBasis? {
        switch actor {
        case nil: nil
        case .administrator?: .administrator
        case .patient?: .patient
        case .representative?: .representative
        case .professional?: .authorised
        }
    }

    private func agent(_ access: RequestAccess) -> AuditAgent {
        let caller = access.caller
        switch access.actor {
        case .professional(let p)?:
            return AuditAgent(who: "Practitioner/\(p.practitionerID)", role: p.roleID.map { "PractitionerRole/\($0)" },
                              organization: p.organizationID.map { "Organization/\($0)" },
                              profession: AuditCoding(system: p.profession.code.system, code: p.profession.code.code),
                              clientID: caller?.clientID)
        case .patient(let id)?:
            return AuditAgent(who: "Patient/\(id)", clientID: caller?.clientID)
        case .representative(let r)?:
            return AuditAgent(who: "RelatedPerson/\(r.relatedPersonID)", clientID: caller?.clientID)
        case .administrator?, nil:
            let name = caller?.clientID ?? caller?.subject ?? "anonymous"
            return AuditAgent(who: "Device/" + Self.deviceID(name), clientID: caller?.clientID, name: caller?.subject)
        }
    }

    /// A valid FHIR id made from a client id or subject.
    static func deviceID(_ name: String) -> String {
        let id = String(name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." ? $0 : "-" }.prefix(64))
        return id.isEmpty ? "anonymous" : id
    }

    /// The REST interaction (and operation name) a request was.
    static func interaction(_ request: FHIRRequest, bundleKind: String?) -> (AuditInteraction, String?) {
        let p = request.path, m = request.method
        if let op = p.last, op.hasPrefix("$") { return (.operation, op) }
        if p.isEmpty { return m == .post ? (bundleKind == "batch" ? .batch : .transaction, nil) : (.searchSystem, nil) }
        if p.contains("_history") {
            if p.count == 4 { return (.vread, nil) }
            return (p.count == 1 ? .historySystem : p.count == 2 ? .historyType : .historyInstance, nil)
        }
        if p.last == "_search" { return (p.count == 1 ? .searchSystem : .searchType, nil) }
        switch (m, p.count) {
        case (.get, 2), (.head, 2): return (.read, nil)
        case (.get, _), (.head, _): return (.searchType, nil)
        case (.post, _): return (.create, nil)
        case (.put, _): return (.update, nil)
        case (.patch, _): return (.patch, nil)
        case (.delete, _): return (.delete, nil)
        }
    }

    // MARK: AuditEvent

    /// What the actor may see of the audit trail (rule 8): the operator everything; the patient and their
    /// representatives the accesses to the patient's record; a professional their own actions, and a privacy officer
    /// also their organisation's emergency accesses.
    func auditScope(_ access: RequestAccess) -> AuditScope {
        switch access.actor {
        case nil, .administrator?: return .everything
        case .patient(let id)?: return .only(.patientRecord(patientID: id))
        case .representative(let r)?: return .only(.patientRecord(patientID: r.patientID))
        case .professional(let p)?:
            var grants: [AuditScope.Grant] = [.agent(reference: "Practitioner/\(p.practitionerID)")]
            if p.profession == .privacyOfficer, let org = p.organizationID { grants.append(.emergencyAccesses(organizationID: org)) }
            return .union(grants)
        }
    }

    /// `GET [base]/AuditEvent?patient=&agent=&date=&entity=&type=&subtype=&outcome=&action=&_count=&_cursor=`.
    func auditSearch(_ request: FHIRRequest) async throws -> FHIRResponse {
        guard let auditLog else { throw FHIRError(.notImplemented, "This server keeps no audit trail") }
        var query = AuditQuery(scope: auditScope(request.access), count: configuration.defaultPageSize)
        var linkItems: [FHIRRequest.QueryItem] = []
        for item in try searchItems(request) {
            switch item.name {
            case "_format", "_pretty": continue
            case "_cursor":
                guard let cursor = AuditCursor(item.value) else { throw FHIRError(.invalid, "_cursor '\(item.value)' is not one this server issued", issueType: "value") }
                query.cursor = cursor
                continue
            case "_count":
                guard let n = Int(item.value), n > 0 else { throw FHIRError(.invalid, "_count must be a positive integer", issueType: "value") }
                query.count = min(n, AuditQuery.maximumCount)
            case "patient": query.patient = item.value
            case "agent": query.agent = item.value
            case "entity": query.entity = item.value
            case "type": query.type = AuditCodeFilter(token: item.value)
            case "subtype": query.subtype = AuditCodeFilter(token: item.value)
            case "outcome":
                guard let n = Int(item.value), let outcome = AuditOutcome(rawValue: n) else { throw FHIRError(.invalid, "outcome must be 0, 4, 8 or 12", issueType: "value") }
                query.outcome = outcome
            case "action":
                guard let action = AuditActionCode(rawValue: item.value) else { throw FHIRError(.invalid, "action must be C, R, U, D or E", issueType: "value") }
                query.action = action
            case "date":
                let prefixes: [(String, AuditDateBound.Comparison?)] = [("ge", .greaterOrEqual), ("gt", .greater), ("le", .lessOrEqual), ("lt", .less), ("eq", nil), ("", nil)]
                let (prefix, comparison) = prefixes.first { item.value.hasPrefix($0.0) }!
                let text = String(item.value.dropFirst(prefix.count))
                guard let dt = FHIRDateTime(text) else { throw FHIRError(.invalid, "date '\(item.value)' is not a date with an optional ge/gt/le/lt/eq prefix", issueType: "value") }
                if let comparison {
                    // ge/lt compare with the period's start, gt/le with its end.
                    let bound = comparison == .greater || comparison == .lessOrEqual ? dt.upperBound : dt.lowerBound
                    query.dates.append(AuditDateBound(comparison, bound))
                } else {
                    query.dates += [AuditDateBound(.greaterOrEqual, dt.lowerBound), AuditDateBound(.less, dt.upperBound)]
                }
            default:
                if Prefer(header: request.header("prefer")).handling == .strict {
                    throw FHIRError(.invalid, "Parameter '\(item.name)' is not supported on AuditEvent", issueType: "not-supported")
                }
                continue
            }
            linkItems.append(item)
        }
        let page = try await auditLog.search(query)
        var links = [link("self", path: "AuditEvent", query: linkItems + (query.cursor.map { [.init("_cursor", $0.description)] } ?? []))]
        if let next = page.next { links.append(link("next", path: "AuditEvent", query: linkItems + [.init("_cursor", next.description)])) }
        let bundle: JSON = .object([
            "resourceType": "Bundle", "id": .string(Self.newID()), "type": "searchset",
            "link": .array(links),
            "entry": .array(page.events.map { stored in
                .object(["fullUrl": .string("\(configuration.baseURL)/AuditEvent/\(stored.id)"), "resource": stored.event, "search": ["mode": "match"]])
            }),
        ])
        return FHIRResponse(status: 200, headers: [("Content-Type", FHIRMediaType.fhirJSON)], body: render(bundle, request))
    }

    /// `GET [base]/AuditEvent/id`: 404 unless the event is within the actor's audit scope (the trail applies the
    /// scope, as for a search).
    func auditRead(_ request: FHIRRequest, id: String) async throws -> FHIRResponse {
        guard let auditLog else { throw FHIRError(.notImplemented, "This server keeps no audit trail") }
        guard let stored = try await auditLog.search(AuditQuery(scope: auditScope(request.access), id: id, count: 1)).events.first else {
            throw FHIRError(.notFound, "AuditEvent/\(id) is not known")
        }
        return FHIRResponse(status: 200, headers: [("Content-Type", FHIRMediaType.fhirJSON)], body: render(stored.event, request))
    }
}
