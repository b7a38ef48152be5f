import Access
import FHIRCore
import Foundation
import Store

/// Builds the International Patient Summary of one patient for one actor, from the shared record through the
/// store, with the actor's ``Access/AccessFilter`` added to every query: what the actor may not see is never read,
/// so it cannot appear (rule 7).
///
/// One query per resource type of each section, each driven by the reference to the patient (only that patient's
/// rows are read). Sections that keep only the latest entries (results, immunisations, procedures) are bounded by
/// ``recent``; the others by ``maximumEntries``.
public struct PatientSummaryBuilder: Sendable {
    /// The store the record is read from.
    public var store: any FHIRStore
    /// How many of the latest results, immunisations and procedures are listed.
    public var recent: Int
    /// The most entries any other section lists (current medications, allergies, problems).
    public var maximumEntries: Int

    /// A builder over `store`.
    public init(store: any FHIRStore, recent: Int = 20, maximumEntries: Int = 200) {
        self.store = store
        self.recent = recent
        self.maximumEntries = maximumEntries
    }

    /// The summary of `patient` (already known to be readable by the actor) as `filter` lets the actor see it;
    /// `filter` nil: unrestricted (the operator, or the rules switched off).
    public func build(patient: StoredResource, filter: AccessFilter?, now: Date) async throws -> PatientSummary {
        let patientID = patient.id
        let withholding = Self.withholding(filter, patientID: patientID)
        var sections: [SummarySectionContent] = []
        for kind in SummarySection.Kind.allCases {
            let section = SummarySection.of(kind)
            var entries: [SummaryEntry] = []
            var truncated = false
            let unreadable = withholding.unreadable.contains(kind)
            if !unreadable {
                for var query in section.queries(patientID: patientID, recent: recent) {
                    let type = query.type ?? ""
                    if let restriction = filter?.condition(types: [type]) { query.condition = .all([query.condition, restriction]) }
                    let bound = query.limit ?? maximumEntries
                    query.limit = bound
                    let page = try await store.search(query)
                    if page.hasMore && kind != .results && kind != .immunizations && kind != .procedures { truncated = true }
                    for stored in page.resources {
                        guard let json = try? JSON.parse(stored.content), section.includes(json) else { continue }
                        entries.append(SummaryEntry(stored: stored, resource: json, kind: kind))
                    }
                }
            }
            let emptyReason: SummarySectionContent.EmptyReason? = entries.isEmpty ? (unreadable ? .withheld : .unavailable) : nil
            sections.append(SummarySectionContent(section: section, entries: entries, emptyReason: emptyReason,
                                                  mayBeWithheld: withholding.limited.contains(kind), truncated: truncated))
        }
        return PatientSummary(patient: patient, patientResource: (try? JSON.parse(patient.content)) ?? ["resourceType": "Patient"],
                              sections: sections, mayBeWithheld: withholding.record, generated: now)
    }

    /// What the actor's access may keep back, decided from their access alone, never from the data (like the
    /// search's `suppressed` issue): a professional who does not see what the patient hid from professionals
    /// (`record`), and the sections whose types their profession reads only in part (`limited`) or not at all
    /// (`unreadable`). The patient and their representatives are told nothing: what is not yet visible to them
    /// must not be announced by the summary either.
    static func withholding(_ filter: AccessFilter?, patientID: String) -> (record: Bool, limited: Set<SummarySection.Kind>, unreadable: Set<SummarySection.Kind>) {
        guard let filter, case .professional(let access) = filter.scope else { return (false, [], []) }
        var limited = Set<SummarySection.Kind>(), unreadable = Set<SummarySection.Kind>()
        let rules = filter.matrix.entries[access.professional.profession]?.read ?? [:]
        for kind in SummarySection.Kind.allCases {
            let types = SummarySection.of(kind).resourceTypes
            let typeRules = types.map { rules[$0] ?? rules["*"] }
            if typeRules.allSatisfy({ $0 == nil }) { unreadable.insert(kind); limited.insert(kind); continue }
            if typeRules.contains(where: { if case .all? = $0 { false } else { true } }) { limited.insert(kind) }
        }
        let record = !access.seesMasked.contains(patientID) || !limited.isEmpty
        return (record, limited, unreadable)
    }
}
