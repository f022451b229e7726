import Foundation
import Kafka
import LeadLedgerCore
import TestSupport
import Testing

@testable import LeadLedgerEngine

/// The identity and materialize stages' restore with damaged snapshots in the
/// store: a snapshot whose bytes were damaged before they reached the store (so
/// the store's own checksum holds) is refused by the processor's decoder
/// (`snapshot_unreadable`), an older one is used, and without one the partition
/// is replayed from offset 0; the state is always the full replay's.
@Suite("Damaged processor snapshots")
struct DamagedSnapshotRestoreTests {
    /// Produces `records` (keys, values and headers) to partition 0 of `topic`, in order.
    static func produce(_ topic: String, _ records: [LogRecord], brokers: String) async throws {
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(bootstrapServers: [brokers], clientID: "engine-tests"), logger: testLogger)
        for record in records {
            try await producer.enqueue(
                KafkaProducerMessage(topic: topic, partition: 0, key: record.key, value: record.value, headers: record.headers))
        }
        try await producer.flush(timeout: .seconds(60))
        let failed = producer.statistics.failed
        await producer.close()
        if failed > 0 { throw TestFailure("\(failed) messages failed") }
    }

    @Test(.timeLimit(.minutes(3)))
    func damagedSnapshotsAreRefusedAndReplayed() async throws {
        let brokers = try EngineTestBroker.brokers()
        let (identity, events, topics) = LegacySnapshotTests.logs()
        var identityFactory = IdentityFactory(topics: topics)
        identityFactory.logPartitions = LegacySnapshotTests.logPartitions
        try await check(identityFactory, identity, name: "identity", brokers: brokers)
        try await check(MaterializeFactory(topics: topics, decisions: defaultDecisions), events, name: "materialize", brokers: brokers)
    }

    func check<F: PartitionProcessorFactory>(_ factory: F, _ records: [LogRecord], name: String, brokers: String) async throws {
        let log = uniqueName("damaged-\(name)")
        try await createTopics([log], partitions: 1, brokers: brokers)
        try await Self.produce(log, records, brokers: brokers)
        let total = Int64(records.count)
        let reader = LogReader(client: KafkaClientSettings(bootstrapServers: [brokers], clientID: "engine-tests"), logger: testLogger)
        let full = try await Replayer(reader: reader, store: nil, factory: factory, logger: testLogger)
            .replay(topic: log, partition: 0, from: 0, to: nil) { _, _ in }
        #expect(full.end == total)

        func snapshot(after count: Int) throws -> [UInt8] {
            var processor = factory.makeProcessor(partition: 0)
            for record in records[..<count] { _ = processor.apply(record) }
            return try #require(processor.snapshot())
        }
        let good = try snapshot(after: 200)
        let newer = try snapshot(after: 300)
        var flipped = newer
        flipped[flipped.count / 2] ^= 0x40
        let store = try SnapshotStore(directory: try makeTemporaryDirectory("damaged-\(name)-state"))
        func save(_ offset: Int64, _ state: [UInt8]) throws {
            try store.save(Snapshot(topic: log, partition: 0, offset: offset, format: F.Processor.snapshotFormat, state: state))
        }
        try save(200, good)
        try save(300, flipped)
        try save(350, Array(newer.dropLast(9)))

        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(bootstrapServers: [brokers], clientID: "engine-tests"), logger: testLogger)
        let partition = KafkaTopicPartition(topic: log, partition: 0)
        // The flipped (300) and truncated (350) snapshots are refused: the one at 200 is used.
        let first = PartitionWorker(
            topicPartition: partition, factory: factory, producer: producer, store: store, policy: SnapshotPolicy(), logger: testLogger)
        try await first.restore(committed: total, reader: reader)
        #expect(await first.statistics.restoredFrom == 200, "\(name)")
        #expect(await first.statistics.replayed == Int(total) - 200, "\(name)")
        #expect(await first.stateBytes() == full.state, "\(name)")

        // With the one at 200 damaged too, the partition is replayed from offset 0.
        var damagedGood = good
        damagedGood[good.count - 2] ^= 0x01
        try save(200, damagedGood)
        let second = PartitionWorker(
            topicPartition: partition, factory: factory, producer: producer, store: store, policy: SnapshotPolicy(), logger: testLogger)
        try await second.restore(committed: total, reader: reader)
        #expect(await second.statistics.restoredFrom == nil, "\(name)")
        #expect(await second.statistics.replayed == Int(total), "\(name)")
        #expect(await second.stateBytes() == full.state, "\(name)")
        await producer.close()
    }
}
