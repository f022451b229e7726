import Foundation
import Kafka
import LeadLedgerEngine
import Testing

/// Upgrading from a release with the old consumer-group names (SPEC stage names
/// `validate`, `identity`, `materialize`): the renamed groups start from the old
/// groups' committed offsets, once, and never overwrite offsets of their own.
@Suite(.timeLimit(.minutes(3)))
struct GroupMigrationTests {
    @Test func renamedGroupAdoptsTheOldGroupsOffsetsOnce() async throws {
        let brokers = try EngineTestBroker.brokers()
        let suffix = UUID().uuidString.prefix(8).lowercased()
        let topic = "migration-\(suffix)"
        try await createTopics([topic], partitions: 3, brokers: brokers)
        try await produce(topic, (0..<30).map { (key: "k\($0)", value: "v\($0)") }, brokers: brokers)
        var configuration = EngineConfiguration()
        configuration.brokers = [brokers]
        let old = "old-\(suffix)"
        let new = "new-\(suffix)"
        let untouched = "fresh-\(suffix)"
        let partitions = (0..<3).map { KafkaTopicPartition(topic: topic, partition: Int32($0)) }

        try await commit(group: old, [0: 5, 2: 7], topic: topic, brokers: brokers)
        let rename = GroupMigration.Rename(old: old, new: new, topics: [topic])
        let first = try await GroupMigration.adoptOffsets([rename], configuration: configuration, logger: testLogger)
        #expect(first == [new: 2])
        #expect(try await committed(group: new, partitions, brokers: brokers) == [0: 5, 2: 7])

        // The old group moves on (an old process still running); the new group keeps its own.
        try await commit(group: old, [0: 9, 1: 4], topic: topic, brokers: brokers)
        let second = try await GroupMigration.adoptOffsets([rename], configuration: configuration, logger: testLogger)
        #expect(second.isEmpty)
        #expect(try await committed(group: new, partitions, brokers: brokers) == [0: 5, 2: 7])

        // Nothing to adopt: a fresh install.
        let none = try await GroupMigration.adoptOffsets(
            [GroupMigration.Rename(old: "never-\(suffix)", new: untouched, topics: [topic])],
            configuration: configuration, logger: testLogger)
        #expect(none.isEmpty)
        #expect(try await committed(group: untouched, partitions, brokers: brokers).isEmpty)
    }

    private func probe(_ group: String, brokers: String) throws -> KafkaConsumer {
        try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(bootstrapServers: [brokers], groupID: group, clientID: "migration-test"),
            logger: testLogger)
    }

    private func commit(group: String, _ offsets: [Int32: Int64], topic: String, brokers: String) async throws {
        let consumer = try probe(group, brokers: brokers)
        try await consumer.commit(
            offsets.sorted { $0.key < $1.key }.map { KafkaTopicPartitionOffset(topic: topic, partition: $0.key, offset: .offset($0.value)) }
        )
        await consumer.close()
    }

    private func committed(group: String, _ partitions: [KafkaTopicPartition], brokers: String) async throws -> [Int32: Int64] {
        let consumer = try probe(group, brokers: brokers)
        let offsets = try await consumer.committed(partitions)
        await consumer.close()
        var result: [Int32: Int64] = [:]
        for (partition, offset) in offsets { if let offset { result[partition.partition] = offset } }
        return result
    }
}
