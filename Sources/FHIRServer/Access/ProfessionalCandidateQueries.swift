import Access
import FHIRCore
import Store

/// The patients a professional may have a ground for, found from the other side: the records that name them as
/// GP, in a Consent (authorisation, GP-equivalence or block), their organisation's open Encounters and active
/// EpisodeOfCare, and their live emergency accesses. Each candidate's full context then decides
/// (``Access/AccessPolicy/standing(of:patient:now:)``).
struct ProfessionalCandidateQueries {
    let professional: AccessActor.Professional

    var queries: [SearchQuery] {
        let p = professional
        let ref = SearchCondition.reference
        let limit = Int(Int32.max)
        var gp = [ref("general-practitioner", "Practitioner", p.practitionerID)]
        var named = [ref("actor", "Practitioner", p.practitionerID), ref(AccessIndex.blocks, "Practitioner", p.practitionerID)]
        if let role = p.roleID {
            gp.append(ref("general-practitioner", "PractitionerRole", role))
            named.append(ref("actor", "PractitionerRole", role))
        }
        named += p.careTeamIDs.map { ref("actor", "CareTeam", $0) }
        var queries = [
            SearchQuery(type: "Patient", condition: .any(gp), limit: limit),
            SearchQuery(type: "Basic", condition: .all([ref("author", "Practitioner", p.practitionerID), EmergencyAccessRecord.condition]), limit: limit),
        ]
        if let org = p.organizationID {
            named.append(ref("actor", "Organization", org))
            queries.append(SearchQuery(type: "Encounter", condition: .all([ref("service-provider", "Organization", org),
                                                                           .token("status", PatientContextQueries.openEncounterStatuses)]), limit: limit))
            queries.append(SearchQuery(type: "EpisodeOfCare", condition: .all([ref("organization", "Organization", org),
                                                                               .token("status", ["active"])]), limit: limit))
        }
        queries.append(SearchQuery(type: "Consent", condition: .any(named), limit: limit))
        return queries
    }

    /// The candidate patients in the results.
    static func patients(_ results: [[StoredResource]]) -> [String] {
        var seen = Set<String>()
        var ids: [String] = []
        for stored in results.joined() where !stored.patientKey.isEmpty && seen.insert(stored.patientKey).inserted {
            ids.append(stored.patientKey)
        }
        return ids
    }
}
