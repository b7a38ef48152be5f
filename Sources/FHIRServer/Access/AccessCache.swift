import Access
import Foundation
import Synchronization

/// What the access rules read from the store, kept between requests until a write changes it.
///
/// Every write of a resource the rules read (``relevantTypes``) bumps ``generation`` after its commit; an entry is
/// used only while the generation it was loaded at is current, and for at most ``lifetime`` (consent periods and
/// emergency grants end with time, not with a write). Entries are tagged with the generation read *before* loading,
/// so a load that raced a commit is never kept.
final class AccessCache: Sendable {
    /// The types whose writes change what the rules read.
    static let relevantTypes: Set<String> = [
        "Patient", "Consent", "Encounter", "EpisodeOfCare", "Basic", "PractitionerRole", "CareTeam", "RelatedPerson",
    ]
    /// The longest an entry is used.
    static let lifetime: TimeInterval = 2

    private struct Entry<Value> {
        var generation: UInt64
        var loaded: Date
        var value: Value
    }

    private struct State {
        var generation: UInt64 = 0
        var actors: [String: Entry<AccessActor>] = [:]
        var patients: [String: Entry<PatientAccessContext>] = [:]
        var professionals: [AccessActor.Professional: Entry<ProfessionalAccess>] = [:]
        var labels: [String: Entry<VisibilityLabels>] = [:]
    }

    private let state = Mutex(State())
    private let limit = 10_000

    /// The current generation (read before loading what is then stored).
    var generation: UInt64 { state.withLock { $0.generation } }

    /// Invalidates everything when a relevant type was written, or a version carrying a DMP visibility label.
    func didWrite(types: some Sequence<String>, labelled: Bool = false) {
        guard labelled || types.contains(where: Self.relevantTypes.contains) else { return }
        state.withLock { s in
            s.labels.removeAll(keepingCapacity: true)
            s.generation &+= 1
            s.actors.removeAll(keepingCapacity: true)
            s.patients.removeAll(keepingCapacity: true)
            s.professionals.removeAll(keepingCapacity: true)
        }
    }

    func actor(_ key: String, now: Date) -> AccessActor? {
        state.withLock { s in s.actors[key].flatMap { fresh($0, s.generation, now) } }
    }

    func setActor(_ actor: AccessActor, for key: String, generation: UInt64, now: Date) {
        state.withLock { s in
            guard s.generation == generation else { return }
            if s.actors.count >= limit { s.actors.removeAll() }
            s.actors[key] = Entry(generation: generation, loaded: now, value: actor)
        }
    }

    func patient(_ id: String, now: Date) -> PatientAccessContext? {
        state.withLock { s in s.patients[id].flatMap { fresh($0, s.generation, now) } }
    }

    func setPatients(_ contexts: [String: PatientAccessContext], generation: UInt64, now: Date) {
        state.withLock { s in
            guard s.generation == generation else { return }
            if s.patients.count + contexts.count > limit { s.patients.removeAll() }
            for (id, context) in contexts { s.patients[id] = Entry(generation: generation, loaded: now, value: context) }
        }
    }

    func labels(_ key: String, now: Date) -> VisibilityLabels? {
        state.withLock { s in s.labels[key].flatMap { fresh($0, s.generation, now) } }
    }

    func setLabels(_ labels: VisibilityLabels, for key: String, generation: UInt64, now: Date) {
        state.withLock { s in
            guard s.generation == generation else { return }
            if s.labels.count >= limit { s.labels.removeAll() }
            s.labels[key] = Entry(generation: generation, loaded: now, value: labels)
        }
    }

    func professional(_ p: AccessActor.Professional, now: Date) -> ProfessionalAccess? {
        state.withLock { s in s.professionals[p].flatMap { fresh($0, s.generation, now) } }
    }

    func setProfessional(_ access: ProfessionalAccess, generation: UInt64, now: Date) {
        state.withLock { s in
            guard s.generation == generation else { return }
            if s.professionals.count >= limit { s.professionals.removeAll() }
            s.professionals[access.professional] = Entry(generation: generation, loaded: now, value: access)
        }
    }

    private func fresh<Value>(_ entry: Entry<Value>, _ generation: UInt64, _ now: Date) -> Value? {
        guard entry.generation == generation, now.timeIntervalSince(entry.loaded) < Self.lifetime,
              now >= entry.loaded else { return nil }
        return entry.value
    }
}
