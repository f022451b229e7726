import Foundation
import Synchronization

/// Progress of a long operation on standard error: on a terminal one line redrawn
/// in place with rate and ETA, otherwise a plain line every few seconds.
package final class ProgressReporter: Sendable {
    struct State {
        var done = 0
        var lastPrint = ContinuousClock.now
    }

    private let label: String
    private let total: Int?
    private let started = ContinuousClock.now
    private let isTTY: Bool
    private let interval: Duration
    private let state = Mutex(State())

    /// Creates a reporter; `total` enables the percentage and ETA.
    package init(label: String, total: Int?, isTTY: Bool = isatty(2) != 0) {
        self.label = label
        self.total = total
        self.isTTY = isTTY
        self.interval = isTTY ? .milliseconds(200) : .seconds(5)
    }

    /// Records progress.
    package func advance(by count: Int) {
        let line: String? = state.withLock { state in
            state.done += count
            let now = ContinuousClock.now
            guard now - state.lastPrint >= interval else { return nil }
            state.lastPrint = now
            return render(done: state.done, now: now)
        }
        if let line { emit(line, final: false) }
    }

    /// Prints the final line.
    package func finish() {
        let done = state.withLock { $0.done }
        emit(render(done: done, now: .now), final: true)
    }

    private func render(done: Int, now: ContinuousClock.Instant) -> String {
        let elapsed = max(0.001, Double((now - started).components.seconds) + Double((now - started).components.attoseconds) / 1e18)
        let rate = Double(done) / elapsed
        var text = "\(label): \(done)"
        if let total, total > 0 {
            let percent = min(100, Double(done) * 100 / Double(total))
            text += "/\(total) (\(String(format: "%.1f", percent))%)"
            if rate > 0, done < total {
                text += ", ETA \(Int((Double(total - done) / rate).rounded())) s"
            }
        }
        text += ", \(Int(rate.rounded()))/s"
        return text
    }

    private func emit(_ line: String, final: Bool) {
        let text = isTTY ? "\r\u{1B}[K" + line + (final ? "\n" : "") : line + "\n"
        FileHandle.standardError.write(Data(text.utf8))
    }
}
