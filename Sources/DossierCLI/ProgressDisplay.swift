import Synchronization

/// Shows an import's progress on standard error: a redrawn bar on a terminal, a plain line every few seconds
/// otherwise, nothing when quiet. Failure messages go through ``message(_:)`` so they never mix with the bar.
final class ProgressDisplay: Sendable {
    enum Mode: Sendable { case bar, lines, quiet }

    let mode: Mode
    /// Whether the bar is currently drawn (so a message must clear it first).
    private let barDrawn = Mutex(false)

    init(quiet: Bool) {
        mode = quiet ? .quiet : (Terminal.standardErrorIsTTY ? .bar : .lines)
    }

    /// How often the display is refreshed.
    var interval: Duration { mode == .bar ? .milliseconds(200) : .seconds(5) }

    /// Prints a message on its own line (failures are shown even when quiet).
    func message(_ text: String) {
        barDrawn.withLock { drawn in
            Terminal.writeError((drawn ? "\r\u{1B}[K" : "") + text + "\n")
            drawn = false
        }
    }

    /// Redraws the bar, or prints a progress line.
    func show(_ s: ImportReport.Snapshot) {
        switch mode {
        case .quiet: return
        case .lines:
            Terminal.writeError("import: \(s.filesDone)/\(s.filesTotal) files, \(grouped(s.resources)) resources, "
                + "\(grouped(Int(s.resourcesPerSecond))) resources/s, \(oneDecimal(s.seconds)) s"
                + (s.failures > 0 ? ", \(grouped(s.failures)) failed" : "") + "\n")
        case .bar:
            let stats = " \(s.filesDone)/\(s.filesTotal) files  \(grouped(s.resources)) resources  "
                + "\(grouped(Int(s.resourcesPerSecond)))/s  \(oneDecimal(s.seconds))s"
                + (s.failures > 0 ? "  \(grouped(s.failures)) failed" : "")
            let barWidth = max(10, min(40, Terminal.width - stats.count - 3))
            let fraction = s.filesTotal > 0 ? Double(s.filesDone) / Double(s.filesTotal) : 1
            let filled = min(barWidth, Int(fraction * Double(barWidth)))
            let bar = "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: barWidth - filled) + "]"
            barDrawn.withLock { drawn in
                Terminal.writeError("\r" + bar + stats + "\u{1B}[K")
                drawn = true
            }
        }
    }

    /// Clears the bar before the summary.
    func finish() {
        barDrawn.withLock { drawn in
            if drawn { Terminal.writeError("\r\u{1B}[K") }
            drawn = false
        }
    }
}
