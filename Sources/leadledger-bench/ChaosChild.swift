import Foundation
import Synchronization

/// A child process of the chaos harness (a `leadledger` command), with its output
/// in files under the run directory. Every child is registered in
/// ``ChaosChild/registry`` while it may be alive, so the harness can stop all of
/// them on any exit path (the deadline, SIGINT, a thrown error).
final class ChaosChild: Sendable {
    /// The children that may still be alive, by PID.
    static let registry = Mutex<Set<Int32>>([])

    let name: String
    let process: Process
    let stderrPath: String
    let stdoutPath: String

    /// Starts `executable arguments`; stdout and stderr go to `directory/name.out|.err`
    /// (appended to, so a restarted child keeps its history in one file).
    init(executable: String, arguments: [String], directory: String, name: String) throws {
        self.name = name
        stdoutPath = (directory as NSString).appendingPathComponent("\(name).out")
        stderrPath = (directory as NSString).appendingPathComponent("\(name).err")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        for path in [stdoutPath, stderrPath] where !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
        }
        let out = FileHandle(forWritingAtPath: stdoutPath)
        let err = FileHandle(forWritingAtPath: stderrPath)
        out?.seekToEndOfFile()
        err?.seekToEndOfFile()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process
        let pid = process.processIdentifier
        Self.registry.withLock { _ = $0.insert(pid) }
    }

    var pid: Int32 { process.processIdentifier }

    var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    func signal(_ signal: Int32) {
        kill(pid, signal)
    }

    /// True once the kernel reports the process gone or a zombie (read from
    /// /proc, which does not depend on Foundation noticing the exit).
    var isDead: Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
        guard let close = stat.lastIndex(of: ")") else { return false }
        let state = stat[stat.index(after: close)...].split(separator: " ").first
        return state == "Z" || state == "X"
    }

    /// Waits until the process is dead; false when it is still alive after `seconds`.
    func waitUntilDead(seconds: Double) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if isDead {
                forget()
                return true
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    /// Waits for the exit and returns the status; kills the process (and returns
    /// nil) when it is still running after `seconds`.
    func wait(seconds: Double) async throws -> Int32? {
        guard try await waitUntilDead(seconds: seconds) else {
            signal(SIGKILL)
            _ = try await waitUntilDead(seconds: 10)
            return nil
        }
        let deadline = ContinuousClock.now + .seconds(5)
        while process.isRunning && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// Stops the process: SIGTERM, then SIGKILL after `grace` seconds.
    func stop(grace: Double) async throws {
        guard !isDead else {
            forget()
            return
        }
        signal(SIGTERM)
        if try await !waitUntilDead(seconds: grace) {
            signal(SIGKILL)
            _ = try await waitUntilDead(seconds: 10)
        }
    }

    private func forget() {
        let pid = pid
        _ = Self.registry.withLock { $0.remove(pid) }
    }

    /// SIGKILLs every registered child (the exit path of the deadline and SIGINT).
    static func killAll() {
        for pid in registry.withLock({ $0 }) {
            kill(pid, SIGKILL)
        }
    }
}
