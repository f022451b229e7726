import Foundation
import Kafka
import LeadLedgerEngine
import Logging
import TestSupport

/// Brokers for the engine tests: `$LEADLEDGER_TEST_BROKERS`, or a broker this test
/// process starts on port 19610 (in the engine's 19600–19699 range).
enum EngineTestBroker {
    static func brokers() throws -> String { try TestBroker.brokers(fallbackPort: 19610) }
}

let testLogger: Logger = {
    // Every test target shares one process, and LoggingSystem.bootstrap may run
    // only once per process: give the test logger its handler directly instead.
    var logger = Logger(label: "engine-tests", factory: { StreamLogHandler.standardError(label: $0) })
    logger.logLevel = ProcessInfo.processInfo.environment["LEADLEDGER_TEST_LOG"].flatMap { Logger.Level(rawValue: $0) } ?? .warning
    return logger
}()

func createTopics(_ names: [String], partitions: Int32, brokers: String) async throws {
    let admin = try KafkaAdminClient(configuration: KafkaAdminConfiguration(bootstrapServers: [brokers]), logger: testLogger)
    let results = try await admin.createTopics(
        names.map { KafkaNewTopic(name: $0, partitions: partitions, configs: ["retention.ms": "-1", "cleanup.policy": "delete"]) })
    await admin.close()
    for (name, error) in results { if let error { throw TestFailure("create \(name): \(error)") } }
}

/// Produces `values` (key, value) and waits for all acknowledgements.
func produce(
    _ topic: String, _ records: [(key: String, value: String)], brokers: String, partition: Int32? = nil, headers: [KafkaHeader] = []
) async throws {
    let producer = try KafkaProducer(
        configuration: KafkaProducerConfiguration(bootstrapServers: [brokers], clientID: "engine-tests"), logger: testLogger)
    for record in records {
        try await producer.enqueue(
            KafkaProducerMessage(
                topic: topic, partition: partition, key: Array(record.key.utf8), value: Array(record.value.utf8), headers: headers))
    }
    try await producer.flush(timeout: .seconds(60))
    let stats = producer.statistics
    await producer.close()
    if stats.failed > 0 { throw TestFailure("\(stats.failed) messages failed") }
}

/// Reads every record of every partition of `topic` to its end.
func readAll(_ topic: String, partitions: Int32, brokers: String) async throws -> [LogRecord] {
    try await LogReader(client: KafkaClientSettings(bootstrapServers: [brokers], clientID: "engine-tests"), logger: testLogger)
        .readAll(topic: topic, partitions: partitions)
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

/// Whether a repartition record carries a control event (model activation), not an inbound message.
func isControlRepartition(_ record: LogRecord) -> Bool {
    (try? RepartitionInput(record))?.isControl == true
}
