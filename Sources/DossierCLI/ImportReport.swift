import Foundation
import Synchronization

/// The running tally of an import, shared by the tasks that send Bundles and the progress display: files done,
/// resources stored, failures, and the first few failure messages (printed as they happen).
final class ImportReport: Sendable {
    /// A consistent copy of the counters.
    struct Snapshot {
        var filesTotal: Int
        var filesDone: Int
        var resources: Int
        var failures: Int
        var seconds: Double
        var resourcesPerSecond: Double { seconds > 0 ? Double(resources) / seconds : 0 }
    }

    private struct State {
        var filesDone = 0
        var resources = 0
        var failures = 0
        var messagesShown = 0
        var messagesDropped = 0
    }

    /// How many failure messages are printed; the rest are only counted.
    static let maxMessagesShown = 10

    let filesTotal: Int
    private let start = ContinuousClock.now
    private let state = Mutex(State())
    /// Prints a failure message (set by the progress display so that it can clear its line first).
    private let printMessage: @Sendable (String) -> Void

    init(filesTotal: Int, printMessage: @escaping @Sendable (String) -> Void) {
        self.filesTotal = filesTotal
        self.printMessage = printMessage
    }

    /// Counts stored resources.
    func stored(_ count: Int) { state.withLock { $0.resources += count } }

    /// Counts `count` failed resources described by `messages` (printed while fewer than the maximum were shown).
    func failed(_ count: Int, messages: [String]) {
        guard count > 0 || !messages.isEmpty else { return }
        let toShow: [String] = state.withLock { state in
            state.failures += count
            let room = max(0, Self.maxMessagesShown - state.messagesShown)
            let shown = Array(messages.prefix(room))
            state.messagesShown += shown.count
            state.messagesDropped += messages.count - shown.count
            return shown
        }
        for message in toShow { printMessage(message) }
    }

    /// Counts a file as done.
    func fileDone() { state.withLock { $0.filesDone += 1 } }

    /// The counters now.
    var snapshot: Snapshot {
        let seconds = (ContinuousClock.now - start) / .seconds(1)
        return state.withLock {
            Snapshot(filesTotal: filesTotal, filesDone: $0.filesDone, resources: $0.resources, failures: $0.failures,
                     seconds: seconds)
        }
    }

    /// How many failure messages were not printed (one message may stand for many failed resources).
    var messagesHidden: Int { state.withLock { $0.messagesDropped } }
}
