import Store
import Synchronization

/// What one request touched, gathered by the interactions for its audit record: the resources shown or written
/// (with their patients), whether any was reached through an emergency access, and whether the request was itself
/// an emergency override (`$break-glass`).
final class AuditTrail: Sendable {
    /// One resource version shown or written.
    struct Touched: Hashable, Sendable {
        var type: String
        var id: String
        var version: Int
        var patientKey: String
    }

    private struct State {
        var touched: [Touched] = []
        var seen: Set<Touched> = []
        var emergencyPatients: Set<String> = []
        var isOverride = false
        var bundleKind: String?
        var attempted: [String] = []
    }

    private let state = Mutex(State())

    /// Records resources shown or written.
    func touch(_ resources: some Sequence<StoredResource>) {
        state.withLock { s in
            for stored in resources {
                let t = Touched(type: stored.type, id: stored.id, version: stored.version, patientKey: stored.patientKey)
                if s.seen.insert(t).inserted { s.touched.append(t) }
            }
        }
    }

    /// Records one resource shown or written.
    func touch(_ stored: StoredResource) { touch(CollectionOfOne(stored)) }

    /// Records that these patients' records were reached through an emergency access.
    func reachedInEmergency(_ patients: some Sequence<String>) {
        state.withLock { $0.emergencyPatients.formUnion(patients) }
    }

    /// Records a refused attempt on a patient's record (the patient sees attempts in their trail too).
    func attempted(_ patientKey: String) {
        guard !patientKey.isEmpty else { return }
        state.withLock { s in if !s.attempted.contains(patientKey) { s.attempted.append(patientKey) } }
    }

    /// Records a patient the request concerns without touching a resource of their record (a document's content,
    /// a `Binary`, belongs to the patient of its DocumentReference).
    func concerns(_ patientKey: String) { attempted(patientKey) }

    /// Records that the request declared an emergency (`$break-glass`).
    func markOverride() { state.withLock { $0.isOverride = true } }

    /// Records the type of a Bundle posted to the base (`batch` or `transaction`).
    func noteBundle(_ kind: String) { state.withLock { $0.bundleKind = kind } }
    /// The type of the Bundle posted, if any.
    var bundleKind: String? { state.withLock { $0.bundleKind } }

    /// The resources touched, in order, without repeats.
    var touched: [Touched] { state.withLock { $0.touched } }
    /// The patients whose records the request touched, in order.
    var patients: [String] {
        var seen = Set<String>()
        let attempted = state.withLock { $0.attempted }
        return (touched.map(\.patientKey) + attempted).filter { !$0.isEmpty && seen.insert($0).inserted }
    }
    /// Patients reached through an emergency access.
    var emergencyPatients: Set<String> { state.withLock { $0.emergencyPatients } }
    /// Whether the request declared an emergency.
    var isOverride: Bool { state.withLock { $0.isOverride } }
}
