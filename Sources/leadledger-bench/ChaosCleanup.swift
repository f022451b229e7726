import Dispatch
import Foundation
import Synchronization

/// What every exit path of the chaos harness must undo: a frozen broker is
/// resumed, every child is killed, and a broker the harness started is stopped
/// (by `scripts/broker stop`, which stops exactly the PID it started). Safe to
/// call from a signal handler's queue and more than once.
final class ChaosCleanup: Sendable {
    let brokerScript: String?
    let brokerPort: Int
    private let state = Mutex<(started: Bool, frozen: Int32?, done: Bool)>((false, nil, false))

    init(brokerScript: String?, brokerPort: Int) {
        self.brokerScript = brokerScript
        self.brokerPort = brokerPort
    }

    func markBrokerStarted() {
        state.withLock { $0.started = true }
    }

    func setFrozen(_ pid: Int32?) {
        state.withLock { $0.frozen = pid }
    }

    /// The PID scripts/broker recorded for the port (`.run/broker-PORT.pid` next to the script's directory).
    func brokerPID() -> Int32? {
        guard let script = brokerScript else { return nil }
        let root = URL(fileURLWithPath: script).deletingLastPathComponent().deletingLastPathComponent()
        let file = root.appendingPathComponent(".run/broker-\(brokerPort).pid").path
        return (try? String(contentsOfFile: file, encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    func run() {
        let (started, frozen, done) = state.withLock { s in
            let before = s
            s.done = true
            s.frozen = nil
            return (before.started, before.frozen, before.done)
        }
        guard !done else { return }
        if let frozen {
            kill(frozen, SIGCONT)
        }
        ChaosChild.killAll()
        guard started, let script = brokerScript else { return }
        let words = ["/bin/bash", script, "stop", "--port", String(brokerPort)]
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, "/bin/bash", nil, nil, argv, environ) == 0 else { return }
        var raw: Int32 = 0
        _ = waitpid(pid, &raw, 0)
    }
}
