import Foundation
import Kafka
import Logging
import Synchronization
import Testing

/// The repository root, found from this file's path.
let repoRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // KafkaTests
    .deletingLastPathComponent()  // Tests
    .deletingLastPathComponent()

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Runs a process to completion and captures its output. The blocking work runs
/// on a Dispatch thread: tests run in parallel on a small cooperative pool that
/// must never be blocked (the consumer's rebalance handlers need it too).
@discardableResult
func runProcess(_ executable: String, _ arguments: [String], stdin: Data? = nil, environment: [String: String]? = nil) async throws -> (status: Int32, stdout: String, stderr: String) {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(with: Result { try runProcessBlocking(executable, arguments, stdin: stdin, environment: environment) })
        }
    }
}

private func runProcessBlocking(_ executable: String, _ arguments: [String], stdin: Data?, environment: [String: String]?) throws -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = closeInheritedDescriptors(executable, arguments)
    if let environment { process.environment = environment }
    let outPipe = Pipe()
    let errPipe = Pipe()
    process.standardOutput = outPipe
    process.standardError = errPipe
    let inPipe = Pipe()
    process.standardInput = stdin == nil ? FileHandle.nullDevice : inPipe
    try process.run()
    if let stdin {
        // Write on a separate thread so a large input cannot deadlock with unread output.
        let writer = inPipe.fileHandleForWriting
        Thread {
            writer.write(stdin)
            try? writer.close()
        }.start()
    }
    let outBox = Locked(Data())
    let done = DispatchSemaphore(value: 0)
    Thread {
        let data = outPipe.fileHandleForReading.readDataToEndOfFile()
        outBox.withLock { $0 = data }
        done.signal()
    }.start()
    let err = errPipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    done.wait()
    let out = outBox.value
    return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
}

/// Arguments for `/bin/bash` that close every inherited descriptor above 2 and
/// then exec `executable`. Foundation's `Process` on Linux lets a child inherit the
/// pipes of other processes spawned concurrently (tests run in parallel); a
/// long-lived grandchild such as the broker would then hold them open forever.
func closeInheritedDescriptors(_ executable: String, _ arguments: [String]) -> [String] {
    let script = #"for fd in /proc/$$/fd/*; do n=${fd##*/}; if [ "$n" -gt 2 ] 2>/dev/null; then eval "exec $n>&-" 2>/dev/null; fi; done; exec "$0" "$@""#
    return ["-c", script, executable] + arguments
}

/// Brokers for the tests: `$LEADLEDGER_TEST_BROKERS`, or a broker this test process
/// starts with `scripts/broker` on a port in 19400–19499 (stopped at exit).
enum TestBroker {
    static let sharedPort = 19410
    private static let shared = Mutex<Task<String, any Error>?>(nil)

    static func brokers() async throws -> String {
        let task = shared.withLock { cached -> Task<String, any Error> in
            if let cached { return cached }
            let task = Task<String, any Error> {
                if let env = ProcessInfo.processInfo.environment["LEADLEDGER_TEST_BROKERS"], !env.isEmpty {
                    return env
                }
                try await start(port: sharedPort)
                atexit { TestBroker.stopAtExit() }
                return "127.0.0.1:\(sharedPort)"
            }
            cached = task
            return task
        }
        return try await task.value
    }

    private static func stopAtExit() {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = closeInheritedDescriptors(repoRoot.appendingPathComponent("scripts/broker").path, ["stop", "--port", String(sharedPort)])
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try? process.run()
        process.waitUntilExit()
    }

    static func start(port: Int) async throws {
        let result = try await runProcess("/bin/bash", [repoRoot.appendingPathComponent("scripts/broker").path, "start", "--port", String(port)])
        guard result.status == 0 else { throw TestFailure("broker start failed: \(result.stdout) \(result.stderr)") }
    }

    static func stop(port: Int) async throws {
        try await runProcess("/bin/bash", [repoRoot.appendingPathComponent("scripts/broker").path, "stop", "--port", String(port)])
    }

    /// Starts `scripts/broker stop` without waiting (for `defer` blocks).
    static func stopInBackground(port: Int) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = closeInheritedDescriptors(repoRoot.appendingPathComponent("scripts/broker").path, ["stop", "--port", String(port)])
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try? process.run()
    }

    static func pid(port: Int) throws -> Int32 {
        let text = try String(contentsOf: repoRoot.appendingPathComponent(".run/broker-\(port).pid"), encoding: .utf8)
        guard let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { throw TestFailure("no broker pid") }
        return pid
    }
}

/// A topic name unique to this test run.
func uniqueTopic(_ prefix: String) -> String {
    "\(prefix)-\(UInt32.random(in: 0...UInt32.max))"
}

/// A logger for tests: warnings and above on stderr.
let testLogger: Logger = {
    // Every test target shares one process, and LoggingSystem.bootstrap may run
    // only once per process: give the test logger its handler directly instead.
    var logger = Logger(label: "kafka-tests", factory: { StreamLogHandler.standardError(label: $0) })
    logger.logLevel = .warning
    return logger
}()


/// Fails instead of hanging when `body` takes longer than `seconds`.
func withTimeout<T: Sendable>(_ seconds: Double, _ what: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
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

func createTopic(_ name: String, partitions: Int32, brokers: String) async throws {
    let admin = try KafkaAdminClient(configuration: KafkaAdminConfiguration(bootstrapServers: [brokers]), logger: testLogger)
    try await admin.createTopic(name: name, partitions: partitions, configs: ["retention.ms": "-1", "cleanup.policy": "delete"])
    // Wait until the metadata shows every partition, so independent clients
    // (kcat, Python) started next do not race the topic's creation.
    for _ in 0..<100 {
        let metadata = try await admin.listTopics(topic: name)
        if let topic = metadata.first(where: { $0.name == name }), topic.error == nil, topic.partitions.count == Int(partitions) { break }
        try await Task.sleep(for: .milliseconds(100))
    }
    await admin.close()
}

func producerConfiguration(_ brokers: String) -> KafkaProducerConfiguration {
    KafkaProducerConfiguration(bootstrapServers: [brokers], clientID: "kafka-tests")
}

func consumerConfiguration(_ brokers: String, group: String? = nil) -> KafkaConsumerConfiguration {
    var configuration = KafkaConsumerConfiguration(bootstrapServers: [brokers], groupID: group, clientID: "kafka-tests")
    configuration.sessionTimeout = .seconds(6)
    configuration.closeTimeout = .seconds(10)
    return configuration
}

/// Reads messages until `count` arrived (or `stop` says so) from the events stream.
func collect(_ consumer: KafkaConsumer, count: Int) async throws -> [KafkaConsumerMessage] {
    var messages: [KafkaConsumerMessage] = []
    for try await event in consumer.events {
        if case .messages(let batch) = event {
            messages += batch
            if messages.count >= count { break }
        }
    }
    return messages
}

/// A lock-protected value that closures can capture (a `Mutex` itself is noncopyable).
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) {
        mutex = Mutex(value)
    }

    func withLock<R: Sendable>(_ body: (inout Value) -> R) -> R {
        mutex.withLock { value in body(&value) }
    }

    var value: Value { withLock { $0 } }
}
