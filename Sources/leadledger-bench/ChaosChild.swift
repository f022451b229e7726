import Foundation
import Synchronization

/// A child process of the chaos harness (a `leadledger` command or a script),
/// with its output appended to files under the run directory. Started with
/// `posix_spawn` and reaped with `waitpid` by the harness itself, so an exit is
/// noticed exactly when it happens (Foundation's `Process` can notice a child's
/// exit late or not at all when many children come and go).
///
/// Every child is registered in ``ChaosChild/registry`` until it is reaped, so
/// the harness can stop all of them on any exit path (the deadline, SIGINT, a
/// thrown error).
final class ChaosChild: Sendable {
    /// The children not reaped yet, by PID.
    static let registry = Mutex<Set<Int32>>([])

    let name: String
    let pid: Int32
    let stderrPath: String
    let stdoutPath: String
    /// The exit status once reaped: the code, or 128 + the signal that ended it.
    private let status = Mutex<Int32?>(nil)

    /// Starts `executable arguments` (stdin /dev/null; stdout and stderr appended
    /// to `directory/name.out|.err`, so a restarted child keeps one history).
    init(executable: String, arguments: [String], directory: String, name: String) throws {
        self.name = name
        stdoutPath = (directory as NSString).appendingPathComponent("\(name).out")
        stderrPath = (directory as NSString).appendingPathComponent("\(name).err")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var child: pid_t = 0
        let rc = Self.registry.withLock { registry -> Int32 in
            let rc = posix_spawn(&child, executable, &actions, nil, argv, environ)
            if rc == 0 { registry.insert(child) }
            return rc
        }
        guard rc == 0 else { throw BenchmarkFailure("cannot start \(executable): \(String(cString: strerror(rc)))") }
        pid = child
    }

    var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    func signal(_ signal: Int32) {
        guard exitStatus == nil else { return }
        kill(pid, signal)
    }

    /// The exit status if the child has exited (reaping it then), else nil.
    var exitStatus: Int32? {
        status.withLock { known in
            if let known { return known }
            var raw: Int32 = 0
            guard waitpid(pid, &raw, WNOHANG) == pid else { return nil }
            let signal = raw & 0x7F
            let code = signal == 0 ? (raw >> 8) & 0xFF : 128 + signal
            known = code
            _ = Self.registry.withLock { $0.remove(pid) }
            return code
        }
    }

    var isDead: Bool { exitStatus != nil }

    /// Waits until the child has exited; false when it is still running after `seconds`.
    func waitUntilDead(seconds: Double) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if isDead { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return isDead
    }

    /// Waits for the exit and returns the status; kills the child (and returns
    /// nil) when it is still running after `seconds`.
    func wait(seconds: Double) async throws -> Int32? {
        guard try await waitUntilDead(seconds: seconds) else {
            signal(SIGKILL)
            _ = try await waitUntilDead(seconds: 10)
            return nil
        }
        return exitStatus
    }

    /// Stops the child: SIGTERM, then SIGKILL after `grace` seconds.
    func stop(grace: Double) async throws {
        guard !isDead else { return }
        signal(SIGTERM)
        if try await !waitUntilDead(seconds: grace) {
            signal(SIGKILL)
            _ = try await waitUntilDead(seconds: 10)
        }
    }

    /// SIGKILLs every child not reaped yet (the exit path of the deadline and SIGINT).
    static func killAll() {
        for pid in registry.withLock({ $0 }) {
            kill(pid, SIGKILL)
        }
    }
}
