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

    func actor(_ key: String, now: Date) -> AccessActor? { get(key, \.actors, now) }

    func setActor(_ actor: AccessActor, for key: String, generation: UInt64, now: Date) {
        put([key: actor], \.actors, generation, now)
    }

    func patient(_ id: String, now: Date) -> PatientAccessContext? { get(id, \.patients, now) }

    func setPatients(_ contexts: [String: PatientAccessContext], generation: UInt64, now: Date) {
        put(contexts, \.patients, generation, now)
    }

    func labels(_ key: String, now: Date) -> VisibilityLabels? { get(key, \.labels, now) }

    func setLabels(_ labels: VisibilityLabels, for key: String, generation: UInt64, now: Date) {
        put([key: labels], \.labels, generation, now)
    }

    func professional(_ p: AccessActor.Professional, now: Date) -> ProfessionalAccess? { get(p, \.professionals, now) }

    func setProfessional(_ access: ProfessionalAccess, generation: UInt64, now: Date) {
        put([access.professional: access], \.professionals, generation, now)
    }

    /// A fresh entry of one table.
    private func get<Key: Hashable & Sendable, Value: Sendable>(_ key: Key, _ table: KeyPath<State, [Key: Entry<Value>]> & Sendable, _ now: Date) -> Value? {
        state.withLock { s in s[keyPath: table][key].flatMap { fresh($0, s.generation, now) } }
    }

    /// Stores entries loaded at `generation`, unless a write has bumped it since (then they may be stale).
    private func put<Key: Hashable & Sendable, Value: Sendable>(_ values: [Key: Value], _ table: WritableKeyPath<State, [Key: Entry<Value>]> & Sendable,
                                           _ generation: UInt64, _ now: Date) {
        state.withLock { s in
            guard s.generation == generation else { return }
            if s[keyPath: table].count + values.count > limit { s[keyPath: table].removeAll() }
            for (key, value) in values { s[keyPath: table][key] = Entry(generation: generation, loaded: now, value: value) }
        }
    }

    private func fresh<Value>(_ entry: Entry<Value>, _ generation: UInt64, _ now: Date) -> Value? {
        guard entry.generation == generation, now.timeIntervalSince(entry.loaded) < Self.lifetime,
              now >= entry.loaded else { return nil }
        return entry.value
    }
}
