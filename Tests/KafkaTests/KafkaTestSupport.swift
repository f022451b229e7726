import Foundation
import Kafka
import Logging
import TestSupport

extension TestBroker {
    /// Brokers for the Kafka tests: `$LEADLEDGER_TEST_BROKERS`, or a broker this test
    /// process starts on port 19410 (in the Kafka tests' 19400–19499 range).
    static func brokers() async throws -> String { try brokers(fallbackPort: 19410) }
}

/// A logger for tests: warnings and above on stderr.
let testLogger: Logger = {
    // Every test target shares one process, and LoggingSystem.bootstrap may run
    // only once per process: give the test logger its handler directly instead.
    var logger = Logger(label: "kafka-tests", factory: { StreamLogHandler.standardError(label: $0) })
    logger.logLevel = .warning
    return logger
}()

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
