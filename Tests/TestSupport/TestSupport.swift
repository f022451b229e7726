// Helpers shared by the test targets that talk to a broker or spawn processes
// (KafkaTests, LeadLedgerEngineTests): the repository root, time limits,
// process spawning and the test broker. A regular library target, not a product.
import Foundation
import Synchronization

/// The repository root, found from this file's path (`Tests/TestSupport/…`).
package let repoRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // TestSupport
    .deletingLastPathComponent()  // Tests
    .deletingLastPathComponent()

/// A test failure with a message.
package struct TestFailure: Error, CustomStringConvertible {
    package var description: String
    package init(_ description: String) { self.description = description }
}

/// A name unique to this test run: `prefix-<random>` (topics, groups, directories).
package func uniqueName(_ prefix: String) -> String {
    "\(prefix)-\(UInt32.random(in: 0...UInt32.max))"
}

/// Fails instead of hanging when `body` takes longer than `seconds`.
package func withTimeout<T: Sendable>(_ seconds: Double, _ what: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T
{
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            throw TestFailure("timed out after \(seconds) s: \(what)")
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}

/// A lock-protected value that closures can capture (a `Mutex` itself is noncopyable).
package final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    /// Creates the box holding `value`.
    package init(_ value: Value) {
        mutex = Mutex(value)
    }

    /// Runs `body` with the value, under the lock.
    package func withLock<R: Sendable>(_ body: (inout Value) -> R) -> R {
        mutex.withLock { value in body(&value) }
    }

    /// A copy of the value.
    package var value: Value { withLock { $0 } }
}

/// Runs a program and waits for it; returns its exit status. Blocks the calling
/// thread (see ``ChildProcess/waitBlocking()``).
package func spawnAndWait(_ arguments: [String]) -> Int32 {
    guard let child = try? ChildProcess(arguments[0], Array(arguments.dropFirst()), stdout: .inherit, stderr: .inherit) else { return -1 }
    return child.waitBlocking()
}

/// Runs a process to completion and captures its output, without blocking a
/// thread: tests run in parallel on a small cooperative pool that must never be
/// blocked (the consumer's rebalance handlers need it too).
@discardableResult
package func runProcess(_ executable: String, _ arguments: [String], stdin: Data? = nil, environment: [String: String]? = nil) async throws
    -> (status: Int32, stdout: String, stderr: String)
{
    let (child, files) = try CapturedOutput.start(executable, arguments, stdin: stdin, environment: environment)
    defer { files.remove() }
    return files.result(try await child.wait())
}

/// ``runProcess(_:_:stdin:environment:)`` on the calling thread, which it blocks until
/// the process exits: for synchronous one-time fixture setup (reference models, schema
/// validation), never on a path that other tests' tasks wait for.
package func runProcessBlocking(_ executable: String, _ arguments: [String], stdin: Data? = nil, environment: [String: String]? = nil)
    throws
    -> (status: Int32, stdout: String, stderr: String)
{
    let (child, files) = try CapturedOutput.start(executable, arguments, stdin: stdin, environment: environment)
    defer { files.remove() }
    return files.result(child.waitBlocking())
}

/// The files a captured run reads its input from and writes its output to.
struct CapturedOutput {
    let directory: String
    let input: ChildProcess.Input
    var stdout: String { directory + "/stdout" }
    var stderr: String { directory + "/stderr" }

    init(stdin: Data?) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(uniqueName("leadledger-run")).path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if let stdin {
            let path = directory + "/stdin"
            try stdin.write(to: URL(fileURLWithPath: path))
            input = .file(path)
        } else {
            input = .null
        }
    }

    /// Starts `executable` with its input from `stdin` and both outputs captured.
    static func start(_ executable: String, _ arguments: [String], stdin: Data?, environment: [String: String]?) throws
        -> (ChildProcess, CapturedOutput)
    {
        let files = try CapturedOutput(stdin: stdin)
        do {
            let child = try ChildProcess(
                executable, arguments, environment: environment, stdin: files.input, stdout: .file(files.stdout),
                stderr: .file(files.stderr))
            return (child, files)
        } catch {
            files.remove()
            throw error
        }
    }

    /// The exit status with both outputs as text.
    func result(_ status: Int32) -> (status: Int32, stdout: String, stderr: String) {
        (status, read(stdout), read(stderr))
    }

    func read(_ path: String) -> String {
        (try? Data(contentsOf: URL(fileURLWithPath: path))).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}

/// The test brokers: `$LEADLEDGER_TEST_BROKERS` (set by scripts/test), or brokers
/// this test process starts itself with `scripts/broker`.
package enum TestBroker {
    private static let scriptPath = repoRoot.appendingPathComponent("scripts/broker").path
    /// Ports of the brokers ``brokers(fallbackPort:)`` started, stopped at exit.
    private static let started = Mutex<[Int: String]>([:])

    /// `$LEADLEDGER_TEST_BROKERS`, or a broker started on `fallbackPort` (once per
    /// port and process, stopped when the process exits).
    ///
    /// Starts with posix_spawn + waitpid, not `Process.waitUntilExit`: this may run
    /// on a cooperative thread while other tests block on the same lock, and
    /// Process's termination callback needs a free dispatch worker (2 on a 2-core machine).
    package static func brokers(fallbackPort: Int) throws -> String {
        if let env = ProcessInfo.processInfo.environment["LEADLEDGER_TEST_BROKERS"], !env.isEmpty { return env }
        return try started.withLock { started in
            if let brokers = started[fallbackPort] { return brokers }
            guard spawnAndWait(["/bin/bash", scriptPath, "start", "--port", String(fallbackPort)]) == 0 else {
                throw TestFailure("broker start failed")
            }
            if started.isEmpty { atexit { TestBroker.stopStartedBrokers() } }
            started[fallbackPort] = "127.0.0.1:\(fallbackPort)"
            return started[fallbackPort]!
        }
    }

    private static func stopStartedBrokers() {
        for port in started.withLock({ Array($0.keys) }) {
            _ = spawnAndWait(["/bin/bash", scriptPath, "stop", "--port", String(port)])
        }
    }

    /// Starts a broker on `port` and waits until it serves.
    package static func start(port: Int) async throws {
        let result = try await runProcess("/bin/bash", [scriptPath, "start", "--port", String(port)])
        guard result.status == 0 else { throw TestFailure("broker start failed: \(result.stdout) \(result.stderr)") }
    }

    /// Stops the broker on `port`.
    package static func stop(port: Int) async throws {
        try await runProcess("/bin/bash", [scriptPath, "stop", "--port", String(port)])
    }

    /// Starts `scripts/broker stop` without waiting (for `defer` blocks).
    package static func stopInBackground(port: Int) {
        guard let child = try? ChildProcess("/bin/bash", [scriptPath, "stop", "--port", String(port)]) else { return }
        Thread { _ = child.waitBlocking() }.start()
    }

    /// The process id of the broker on `port` (from `.run/broker-<port>.pid`).
    package static func pid(port: Int) throws -> Int32 {
        let text = try String(contentsOf: repoRoot.appendingPathComponent(".run/broker-\(port).pid"), encoding: .utf8)
        guard let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { throw TestFailure("no broker pid") }
        return pid
    }
}

/// The Python of the test tools: `$LEADLEDGER_PYTHON`, else `<repo>/.venv/bin/python`
/// (made by `scripts/bootstrap`). Not checked: callers say what they need it for.
package var testPython: String {
    ProcessInfo.processInfo.environment["LEADLEDGER_PYTHON"].flatMap { $0.isEmpty ? nil : $0 }
        ?? repoRoot.appendingPathComponent(".venv/bin/python").path
}
