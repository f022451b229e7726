import Foundation
import Kafka
import LeadLedgerEngine
import Logging
import Synchronization
import Testing

/// The repository root, found from this file's path.
let repoRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()
    .deletingLastPathComponent()
    .deletingLastPathComponent()

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Brokers for the engine tests: `$LEADLEDGER_TEST_BROKERS`, or a broker this test
/// process starts with `scripts/broker` on port 19610 (in the engine's 19600–19699 range).
enum EngineTestBroker {
    static let port = 19610
    private static let shared = Mutex<String?>(nil)

    static func brokers() throws -> String {
        try shared.withLock { cached in
            if let cached { return cached }
            if let env = ProcessInfo.processInfo.environment["LEADLEDGER_TEST_BROKERS"], !env.isEmpty {
                cached = env
                return env
            }
            // posix_spawn + waitpid, not Foundation.Process.waitUntilExit: this runs on a
            // cooperative thread while other tests may block on this lock, and Process's
            // termination callback needs a free dispatch worker (2 on a 2-core machine).
            guard spawnAndWait(["/bin/bash", repoRoot.appendingPathComponent("scripts/broker").path, "start", "--port", String(port)]) == 0 else {
                throw TestFailure("broker start failed")
            }
            atexit {
                _ = spawnAndWait(["/bin/bash", repoRoot.appendingPathComponent("scripts/broker").path, "stop", "--port", String(EngineTestBroker.port)])
            }
            cached = "127.0.0.1:\(port)"
            return cached!
        }
    }
}

func uniqueName(_ prefix: String) -> String { "\(prefix)-\(UInt32.random(in: 0...UInt32.max))" }

let testLogger: Logger = {
    // Every test target shares one process, and LoggingSystem.bootstrap may run
    // only once per process: give the test logger its handler directly instead.
    var logger = Logger(label: "engine-tests", factory: { StreamLogHandler.standardError(label: $0) })
    logger.logLevel = ProcessInfo.processInfo.environment["LEADLEDGER_TEST_LOG"].flatMap { Logger.Level(rawValue: $0) } ?? .warning
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

func createTopics(_ names: [String], partitions: Int32, brokers: String) async throws {
    let admin = try KafkaAdminClient(configuration: KafkaAdminConfiguration(bootstrapServers: [brokers]), logger: testLogger)
    let results = try await admin.createTopics(names.map { KafkaNewTopic(name: $0, partitions: partitions, configs: ["retention.ms": "-1", "cleanup.policy": "delete"]) })
    await admin.close()
    for (name, error) in results { if let error { throw TestFailure("create \(name): \(error)") } }
}

/// Produces `values` (key, value) and waits for all acknowledgements.
func produce(_ topic: String, _ records: [(key: String, value: String)], brokers: String, partition: Int32? = nil, headers: [KafkaHeader] = []) async throws {
    let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: [brokers], clientID: "engine-tests"), logger: testLogger)
    for record in records {
        try await producer.enqueue(KafkaProducerMessage(topic: topic, partition: partition, key: Array(record.key.utf8), value: Array(record.value.utf8), headers: headers))
    }
    try await producer.flush(timeout: .seconds(60))
    let stats = producer.statistics
    await producer.close()
    if stats.failed > 0 { throw TestFailure("\(stats.failed) messages failed") }
}

/// Reads every record of every partition of `topic` to its end.
func readAll(_ topic: String, partitions: Int32, brokers: String) async throws -> [LogRecord] {
    let reader = LogReader(client: KafkaClientSettings(bootstrapServers: [brokers], clientID: "engine-tests"), logger: testLogger)
    var all: [LogRecord] = []
    for partition in 0..<partitions {
        var records: [LogRecord] = []
        try await reader.fold(topic: topic, partition: partition, from: 0, to: nil, into: &records) { $0.append($1) }
        all += records
    }
    return all
}

func decisionID(_ record: LogRecord) -> String? {
    record.headers.first { $0.key == OutputHeaders.decisionID }?.value.map { String(decoding: $0, as: UTF8.self) }
}

/// Polls `condition` (reading topics) until it holds; fails after `seconds`.
func eventually(_ seconds: Double, _ what: String, _ condition: @escaping @Sendable () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(500))
    }
    throw TestFailure("timed out after \(seconds) s waiting for: \(what)")
}

/// Runs a program and waits for it (posix_spawn + waitpid); returns its exit status.
func spawnAndWait(_ arguments: [String]) -> Int32 {
    var pid: pid_t = 0
    let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    guard posix_spawn(&pid, arguments[0], nil, nil, argv, environ) == 0 else { return -1 }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    return (status >> 8) & 0xff
}
