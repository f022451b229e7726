import ArgumentParser
import Foundation
import Kafka
import LeadLedgerDecisions
import LeadLedgerEngine
import Logging
import Synchronization

/// The partitions of a topic (from cluster metadata).
func partitions(of topic: String, configuration: EngineConfiguration, logger: Logger) async throws -> [Int32] {
    try await partitions(of: topic, brokers: configuration.brokers, properties: configuration.properties, logger: logger)
}

/// The partitions of a topic, sorted; a missing topic is a runtime failure.
func partitions(of topic: String, brokers: [String], properties: [String: String], logger: Logger) async throws -> [Int32] {
    let admin = try KafkaAdminClient(
        configuration: KafkaAdminConfiguration(bootstrapServers: brokers, properties: properties), logger: logger)
    // The metadata of every topic: asking for one by name lets a broker that
    // auto-creates topics create it, and a missing topic must be reported.
    let metadata = try await admin.listTopics()
    await admin.close()
    let ids = metadata.first { $0.name == topic }?.partitions.map(\.id) ?? []
    if ids.isEmpty { throw RuntimeFailure("topic \(topic) has no partitions (does it exist?)") }
    return ids.sorted()
}

/// `[partition]` when the topic has it, else every partition of the topic; a
/// partition the topic does not have is a runtime failure (librdkafka would
/// wait for it to appear).
func partitions(
    _ partition: Int32?, of topic: String, brokers: [String], properties: [String: String], logger: Logger
) async throws -> [Int32] {
    let all = try await partitions(of: topic, brokers: brokers, properties: properties, logger: logger)
    guard let partition else { return all }
    guard all.contains(partition) else {
        throw RuntimeFailure("topic \(topic) has no partition \(partition) (its partitions are 0..<\(all.count))")
    }
    return [partition]
}

/// ``partitions(_:of:brokers:properties:logger:)`` with the configuration's brokers and client properties.
func partitions(_ partition: Int32?, of topic: String, configuration: EngineConfiguration, logger: Logger) async throws -> [Int32] {
    try await partitions(partition, of: topic, brokers: configuration.brokers, properties: configuration.properties, logger: logger)
}
