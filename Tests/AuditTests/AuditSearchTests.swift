import Audit
import FHIRCore
import Foundation
import Testing
@testable import SQLiteAudit

/// Searches of the audit trail: every filter and every scope, paged by cursor, against a literal model of what each
/// should return; and the plans SQLite uses for them.
@Suite struct AuditSearchTests {
    static let p1 = AuditFixtures.doctor // Practitioner/p1 via PractitionerRole/r1 at Organization/h1
    static let p1WithoutRole = AuditAgent(who: "Practitioner/p1", organization: "Organization/h1")
    static let p2 = AuditAgent(who: "Practitioner/p2", role: "PractitionerRole/r2", organization: "Organization/h2")
    static let p3 = AuditAgent(who: "Practitioner/p3", role: "PractitionerRole/r3", organization: "Organization/h1")
    static let patientA = AuditAgent(who: "Patient/A")
    static let representativeOfA = AuditAgent(who: "RelatedPerson/rA")
    static let operatorDevice = AuditAgent(who: "Device/operator")

    /// Ten events, in commit order.
    static let records: [AuditRecord] = {
        let source = AuditFixtures.source
        func entity(_ reference: String, _ version: String? = "1") -> [AuditEntity] { [AuditEntity(reference: reference, version: version)] }
        return [
            AuditRecord(id: "e1", recorded: AuditFixtures.time(0), interaction: .read, agent: p1, patientIDs: ["A"],
                        entities: entity("Observation/o1"), source: source),
            AuditRecord(id: "e2", recorded: AuditFixtures.time(1), interaction: .searchType, agent: p1,
                        patientIDs: ["A", "B"], query: "Observation?code=1234-5", source: source),
            AuditRecord(id: "e3", recorded: AuditFixtures.time(2), interaction: .read, outcome: .minorFailure, agent: p2,
                        patientIDs: ["B"], entities: entity("DocumentReference/d1", "2"), source: source),
            AuditRecord(id: "e4", recorded: AuditFixtures.time(3), interaction: .operation, agent: p2,
                        purposeOfUse: [.emergencyTreatment], emergency: .override, patientIDs: ["C"],
                        operation: "$break-glass", description: "unconscious", source: source),
            AuditRecord(id: "e5", recorded: AuditFixtures.time(4), interaction: .read, agent: p2, emergency: .access,
                        patientIDs: ["C"], entities: entity("Condition/c1"), source: source),
            AuditRecord(id: "e6", recorded: AuditFixtures.time(5), interaction: .read, agent: patientA, patientIDs: ["A"],
                        entities: entity("Observation/o1"), source: source),
            AuditRecord(id: "e7", recorded: AuditFixtures.time(6), interaction: .read, agent: representativeOfA,
                        patientIDs: ["A"], entities: entity("Observation/o3"), source: source),
            AuditRecord(id: "e8", recorded: AuditFixtures.time(7), interaction: .create, agent: p1WithoutRole,
                        patientIDs: ["B"], entities: entity("Observation/o2", nil), source: source),
            AuditRecord(id: "e9", recorded: AuditFixtures.time(8), interaction: .read, agent: p3, emergency: .access,
                        patientIDs: ["A"], entities: entity("Observation/o1"), source: source),
            AuditRecord(id: "e10", recorded: AuditFixtures.time(9), interaction: .searchSystem, agent: operatorDevice,
                        query: "_lastUpdated=gt2026", source: source),
        ]
    }()

    static let scopes: [AuditScope] = [
        .everything, .nothing,
        .only(.patientRecord(patientID: "A")), .only(.patientRecord(patientID: "C")),
        .only(.agent(reference: "Practitioner/p1")), .only(.agent(reference: "Practitioner/p2")),
        .only(.emergencyAccesses(organizationID: "h1")), .only(.emergencyAccesses(organizationID: "h2")),
        .union([.patientRecord(patientID: "B"), .agent(reference: "Practitioner/p2")]),
        .union([.patientRecord(patientID: "A"), .emergencyAccesses(organizationID: "h2"), .agent(reference: "Patient/A")]),
        // More grants of a kind than separate branches (a GP's patients): they share one branch.
        Self.manyPatients,
        .union((0..<20).map { .agent(reference: "Practitioner/x\($0)") } + [.agent(reference: "Practitioner/p2")]
            + (0..<10).map { .emergencyAccesses(organizationID: "o\($0)") } + [.emergencyAccesses(organizationID: "h1")]),
    ]

    static let manyPatients = AuditScope.union(
        [.patientRecord(patientID: "B")] + (0..<600).map { .patientRecord(patientID: "absent-\($0)") })

    static let filters: [(String, @Sendable (inout AuditQuery) -> Void)] = [
        ("none", { _ in }),
        ("patient=A", { $0.patient = "A" }),
        ("patient=Patient/C", { $0.patient = "Patient/C" }),
        ("agent=Practitioner/p1", { $0.agent = "Practitioner/p1" }),
        ("agent=PractitionerRole/r1", { $0.agent = "PractitionerRole/r1" }),
        ("agent=Organization/h2", { $0.agent = "Organization/h2" }),
        ("agent=RelatedPerson/rA", { $0.agent = "RelatedPerson/rA" }),
        ("entity=Observation/o1", { $0.entity = "Observation/o1" }),
        ("entity=DocumentReference/d1/_history/2", { $0.entity = "DocumentReference/d1/_history/2" }),
        ("entity=Patient/C", { $0.entity = "Patient/C" }),
        ("date=ge2&le4", { $0.dates = [.init(.greaterOrEqual, AuditFixtures.time(2)), .init(.lessOrEqual, AuditFixtures.time(4))] }),
        ("date=gt2", { $0.dates = [.init(.greater, AuditFixtures.time(2))] }),
        ("date=lt3", { $0.dates = [.init(.less, AuditFixtures.time(3))] }),
        ("type=110113", { $0.type = AuditCodeFilter(token: "110113") }),
        ("type=audit-event-type|rest", { $0.type = AuditCodeFilter(token: "http://terminology.hl7.org/CodeSystem/audit-event-type|rest") }),
        ("type=other|rest", { $0.type = AuditCodeFilter(token: "http://example.org|rest") }),
        ("subtype=read", { $0.subtype = AuditCodeFilter(token: "read") }),
        ("subtype=$break-glass", { $0.subtype = AuditCodeFilter(token: "$break-glass") }),
        ("subtype=DCM|110127", { $0.subtype = AuditCodeFilter(token: "http://dicom.nema.org/resources/ontology/DCM|110127") }),
        ("outcome=4", { $0.outcome = .minorFailure }),
        ("action=C", { $0.action = .create }),
        ("patient=A&agent=Practitioner/p1", { $0.patient = "A"; $0.agent = "Practitioner/p1" }),
        ("patient=A&subtype=read&date=ge5", {
            $0.patient = "A"; $0.subtype = AuditCodeFilter(token: "read"); $0.dates = [.init(.greaterOrEqual, AuditFixtures.time(5))]
        }),
    ]

    // MARK: the literal model

    private static func visible(_ record: AuditRecord, _ scope: AuditScope) -> Bool {
        if scope.isEverything { return true }
        return scope.grants.contains { grant in
            switch grant {
            case .patientRecord(let patient): record.patientIDs.contains(patient)
            case .agent(let reference): record.agent.who == reference
            case .emergencyAccesses(let organization):
                record.emergency != .none && record.agent.organization == "Organization/\(organization)"
            }
        }
    }

    private static func matches(_ record: AuditRecord, _ query: AuditQuery) -> Bool {
        if let patient = query.patient {
            let id = patient.hasPrefix("Patient/") ? String(patient.dropFirst(8)) : patient
            guard record.patientIDs.contains(id) else { return false }
        }
        if let agent = query.agent {
            guard [record.agent.who, record.agent.role, record.agent.organization].contains(agent) else { return false }
        }
        for bound in query.dates {
            let ok = switch bound.comparison {
            case .greaterOrEqual: record.recorded >= bound.date
            case .greater: record.recorded > bound.date
            case .lessOrEqual: record.recorded <= bound.date
            case .less: record.recorded < bound.date
            }
            guard ok else { return false }
        }
        if let entity = query.entity {
            let reference = entity.components(separatedBy: "/_history/")[0]
            let references = record.entities.map(\.reference) + record.patientIDs.map { "Patient/\($0)" }
            guard references.contains(reference) else { return false }
        }
        if let type = query.type {
            let (system, code) = record.emergency == .override
                ? ("http://dicom.nema.org/resources/ontology/DCM", "110113")
                : ("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest")
            guard code == type.code, type.system == nil || type.system == system else { return false }
        }
        if let subtype = query.subtype {
            var codes = [("http://hl7.org/fhir/restful-interaction", record.interaction.code)]
            if record.emergency == .override { codes.append(("http://dicom.nema.org/resources/ontology/DCM", "110127")) }
            if let operation = record.operation { codes.append(("https://dossier.health/CodeSystem/operation", operation)) }
            guard codes.contains(where: { $0.1 == subtype.code && (subtype.system == nil || subtype.system == $0.0) }) else {
                return false
            }
        }
        if let outcome = query.outcome, record.outcome != outcome { return false }
        if let action = query.action, record.action != action { return false }
        return true
    }

    // MARK: tests

    private func withTrail(_ body: (SQLiteAuditLog) async throws -> Void) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let log = try SQLiteAuditLog(path: directory.path("audit.sqlite"))
        try await log.append(Array(Self.records[0..<4]))
        for record in Self.records[4...] { try await log.append([record]) }
        do {
            try await body(log)
        } catch {
            try await log.close()
            throw error
        }
        try await log.close()
    }

    /// All the pages of `query`, `count` at a time, following the cursors.
    private func allPages(_ log: SQLiteAuditLog, _ query: AuditQuery) async throws -> [[AuditStoredEvent]] {
        var pages: [[AuditStoredEvent]] = []
        var query = query
        while true {
            let page = try await log.search(query)
            pages.append(page.events)
            guard let next = page.next else { return pages }
            #expect(next.before == page.events.last?.sequence)
            query.cursor = next
            if pages.count > Self.records.count + 1 { Issue.record("paging does not end"); return pages }
        }
    }

    @Test func everyFilterUnderEveryScopeReturnsExactlyTheVisibleMatchesNewestFirst() async throws {
        try await withTrail { log in
            for scope in Self.scopes {
                for (name, apply) in Self.filters {
                    var query = AuditQuery(scope: scope, count: 2)
                    apply(&query)
                    let expected = Self.records.reversed()
                        .filter { Self.visible($0, scope) && Self.matches($0, query) }.map(\.id)
                    let pages = try await allPages(log, query)
                    let found = pages.flatMap { $0 }
                    #expect(found.map(\.id) == expected, "\(name) under \(scope)")
                    #expect(pages.dropLast().allSatisfy { $0.count == 2 }, "\(name) under \(scope): short page before the end")
                    #expect(zip(found, found.dropFirst()).allSatisfy { $0.sequence > $1.sequence })
                }
            }
        }
    }

    @Test func theModelIsNotVacuous() {
        // Each scope and filter selects something and leaves something out, so the comparison above means something.
        for scope in Self.scopes where scope != .nothing && scope != .everything {
            let count = Self.records.filter { Self.visible($0, scope) }.count
            #expect(count > 0 && count < Self.records.count, "\(scope)")
        }
        for (name, apply) in Self.filters where name != "none" && name != "type=other|rest" {
            var query = AuditQuery(scope: .everything)
            apply(&query)
            let count = Self.records.filter { Self.matches($0, query) }.count
            #expect(count > 0 && count < Self.records.count, "\(name)")
        }
    }

    @Test func scopesShowThePatientTheProfessionalAndThePrivacyOfficerTheirOwnEventsOnly() async throws {
        let expectations: [(AuditScope, [String])] = [
            (.only(.patientRecord(patientID: "A")), ["e9", "e7", "e6", "e2", "e1"]),
            (.only(.agent(reference: "Practitioner/p2")), ["e5", "e4", "e3"]),
            (.only(.emergencyAccesses(organizationID: "h2")), ["e5", "e4"]),
            (.only(.emergencyAccesses(organizationID: "h1")), ["e9"]),
            (.nothing, []),
            (.union([]), []),
            (.everything, ["e10", "e9", "e8", "e7", "e6", "e5", "e4", "e3", "e2", "e1"]),
        ]
        try await withTrail { log in
            for (scope, expected) in expectations {
                let found = try await log.search(AuditQuery(scope: scope, count: 100)).events.map(\.id)
                #expect(found == expected, "\(scope)")
            }
        }
    }

    @Test func pagesFollowTheCursorWithoutOverlap() async throws {
        try await withTrail { log in
            let pages = try await allPages(log, AuditQuery(scope: .everything, count: 3))
            #expect(pages.map { $0.map(\.id) } == [["e10", "e9", "e8"], ["e7", "e6", "e5"], ["e4", "e3", "e2"], ["e1"]])
            // A count of zero still returns one event; the cursor text reads back.
            let one = try await log.search(AuditQuery(scope: .everything, count: 0))
            #expect(one.events.map(\.id) == ["e10"])
            let cursor = try #require(one.next)
            #expect(AuditCursor(cursor.description) == cursor)
            #expect(AuditCursor("x") == nil)
        }
    }

    @Test func searchReturnsTheStoredAuditEvents() async throws {
        try await withTrail { log in
            let page = try await log.search(AuditQuery(scope: .everything, entity: "Condition/c1"))
            #expect(page.events.map(\.event) == [Self.records[4].auditEvent()])
            #expect(page.events.first?.sequence == 5)
        }
    }

    /// Queries that must be answered through an index, never by reading the whole trail.
    static let indexedQueries: [(String, AuditQuery)] = [
        ("patient record", AuditQuery(scope: .only(.patientRecord(patientID: "A")))),
        ("patient record, page 2", AuditQuery(scope: .only(.patientRecord(patientID: "A")), cursor: AuditCursor(before: 5))),
        ("own actions", AuditQuery(scope: .only(.agent(reference: "Practitioner/p1")), subtype: AuditCodeFilter(token: "read"))),
        ("emergencies", AuditQuery(scope: .only(.emergencyAccesses(organizationID: "h1")))),
        ("union", AuditQuery(scope: .union([.patientRecord(patientID: "A"), .agent(reference: "Patient/A"),
                                              .emergencyAccesses(organizationID: "h2")]), outcome: .success)),
        ("operator by patient", AuditQuery(scope: .everything, patient: "B")),
        ("six hundred patients", AuditQuery(scope: manyPatients)),
        ("operator by entity", AuditQuery(scope: .everything, entity: "Observation/o1")),
        ("operator by role", AuditQuery(scope: .everything, agent: "PractitionerRole/r1")),
        ("operator by organization", AuditQuery(scope: .everything, agent: "Organization/h1")),
        ("operator by date range", AuditQuery(scope: .everything, dates: [
            .init(.greaterOrEqual, AuditFixtures.time(1)), .init(.less, AuditFixtures.time(3)),
        ])),
    ]

    @Test func scopedAndFilteredSearchesUseAnIndex() async throws {
        try await withTrail { log in
            for (name, query) in Self.indexedQueries {
                let (sql, arguments) = try #require(SQLiteAuditSearch.statement(for: query))
                let plan = try await log.rows("EXPLAIN QUERY PLAN " + sql, arguments: arguments).compactMap { $0.last ?? nil }
                // Only the branches' own results (at most a page and one row each) may be scanned.
                let scans = plan.filter { $0.hasPrefix("SCAN") && !$0.hasPrefix("SCAN (subquery-") && $0 != "SCAN u" }
                #expect(scans.isEmpty, "\(name): \(plan)")
                #expect(plan.contains { $0.hasPrefix("SEARCH") }, "\(name): \(plan)")
            }
        }
    }
}
