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

/// The partitions among `partitions` of `topic` that a read from offset `from`
/// (the value of `option`) finds records in or ends at, and the end of each (the
/// offset its next record will get; only when `from` is above 0).
///
/// The ends are learnt from the fetch path (`LogReader.ends`), never from a
/// ListOffsets answer alone. A partition that ends before `from` has no such range:
/// it is named on stderr (one line: its end, and that there is nothing to `what`
/// there) and left out. When that is every partition, the command has nothing to
/// do: a runtime failure (status 3) that names the ends.
func partitions(
    reaching from: Int64, option: String, of topic: String, partitions: [Int32], reader: LogReader, what: String
) async throws -> (partitions: [Int32], ends: [Int32: Int64]) {
    guard from > 0 else { return (partitions, [:]) }
    let ends = try await reader.ends(topic: topic, partitions: partitions)
    let past = partitions.filter { ends[$0, default: 0] < from }
    func pastEnd(_ partition: Int32) -> String {
        "\(topic)[\(partition)] ends at offset \(ends[partition, default: 0]): \(option) \(from) lies past its end"
    }
    if past.count == partitions.count {
        if let only = partitions.first, partitions.count == 1 { throw RuntimeFailure("\(pastEnd(only)), nothing to \(what)") }
        let list = partitions.map { "\($0):\(ends[$0, default: 0])" }.joined(separator: ", ")
        throw RuntimeFailure(
            "\(option) \(from) lies past the end of every partition of \(topic) (ends at offsets \(list)), nothing to \(what)")
    }
    for partition in past { FileHandle.standardError.write(Data("\(pastEnd(partition)); nothing to \(what) there\n".utf8)) }
    return (partitions.filter { !past.contains($0) }, ends)
}
