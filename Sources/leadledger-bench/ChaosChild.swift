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
        let stdoutPath = (directory as NSString).appendingPathComponent("\(name).out")
        let stderrPath = (directory as NSString).appendingPathComponent("\(name).err")
        self.stdoutPath = stdoutPath
        self.stderrPath = stderrPath
        pid = try Self.registry.withLock { registry throws -> Int32 in
            let child = try ChildProcess.spawn(executable, arguments, stdout: stdoutPath, stderr: stderrPath, append: true)
            registry.insert(child)
            return child
        }
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
            let code = ChildProcess.exitStatus(raw)
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
