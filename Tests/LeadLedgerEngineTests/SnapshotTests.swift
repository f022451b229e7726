import Foundation
import Kafka
import TestSupport
import Testing

@testable import LeadLedgerEngine

@Suite("Snapshots and restore")
struct SnapshotTests {
    /// A partition restored from a snapshot plus the replay of the rest has exactly
    /// the state of a full replay; a damaged snapshot (checksum), one of another
    /// format version, and one whose content cannot be decoded are all skipped and
    /// the restore falls back to an older snapshot or a full replay.
    @Test(.timeLimit(.minutes(5)))
    func restorePlusReplayEqualsFullReplay() async throws {
        let brokers = try EngineTestBroker.brokers()
        let log = uniqueName("snap-log")
        let audit = uniqueName("snap-audit")
        let routing = uniqueName("snap-routing")
        try await createTopics([log, audit, routing], partitions: 1, brokers: brokers)
        let total = 600
        try await produce(log, (0..<total).map { (key: "k\($0 % 37)", value: "v\($0)") }, brokers: brokers)

        let client = KafkaClientSettings(bootstrapServers: [brokers], clientID: "engine-tests")
        let reader = LogReader(client: client, logger: testLogger)
        let factory = CountingFactory(auditTopic: audit, routingTopic: routing)
        let full = try await Replayer(reader: reader, store: nil, factory: factory, logger: testLogger)
            .replay(topic: log, partition: 0, from: 0, to: nil) { _, _ in }
        #expect(full.end == Int64(total))
        #expect(full.derived == total)

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(uniqueName("state")).path
        let store = try SnapshotStore(directory: directory)
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(bootstrapServers: [brokers], clientID: "engine-tests"), logger: testLogger)
        let partition = KafkaTopicPartition(topic: log, partition: 0)

        // Process the first 350 records while emitting, then snapshot.
        let first = PartitionWorker(
            topicPartition: partition, factory: factory, producer: producer, store: store,
            policy: SnapshotPolicy(everyRecords: 0, everyInterval: nil), logger: testLogger)
        try await first.restore(committed: nil, reader: reader)
        var prefix: [LogRecord] = []
        try await reader.fold(topic: log, partition: 0, from: 0, to: 350, into: &prefix) { $0.append($1) }
        try await first.process(
            prefix.map { KafkaConsumerMessage(topic: $0.topic, partition: $0.partition, offset: $0.offset, key: $0.key, value: $0.value) })
        try await first.snapshot()
        try await first.tracker.drain()
        #expect(await first.tracker.committableOffset == 350)
        #expect(try store.offsets(topic: log, partition: 0) == [350])

        // Restore at the committed offset 600: snapshot 350 + replay of 250.
        let second = PartitionWorker(
            topicPartition: partition, factory: factory, producer: producer, store: store, policy: SnapshotPolicy(), logger: testLogger)
        try await second.restore(committed: 600, reader: reader)
        #expect(await second.statistics.restoredFrom == 350)
        #expect(await second.statistics.replayed == 250)
        #expect(await second.stateBytes() == full.state)

        // Snapshots that must be ignored: another format at 500, undecodable content at 550.
        try store.save(Snapshot(topic: log, partition: 0, offset: 500, format: "counting/0", state: try #require(full.state)))
        try store.save(
            Snapshot(topic: log, partition: 0, offset: 550, format: CountingProcessor.snapshotFormat, state: Array("not a state".utf8)))
        let third = PartitionWorker(
            topicPartition: partition, factory: factory, producer: producer, store: store, policy: SnapshotPolicy(), logger: testLogger)
        try await third.restore(committed: 600, reader: reader)
        #expect(await third.statistics.restoredFrom == 350)
        #expect(await third.stateBytes() == full.state)

        // Damage the only good snapshot: a full replay, still the same state.
        try store.corrupt(topic: log, partition: 0, offset: 350, state: Array("0\nk1\t99999\n".utf8))
        let fourth = PartitionWorker(
            topicPartition: partition, factory: factory, producer: producer, store: store, policy: SnapshotPolicy(), logger: testLogger)
        try await fourth.restore(committed: 600, reader: reader)
        #expect(await fourth.statistics.restoredFrom == nil)
        #expect(await fourth.statistics.replayed == 600)
        #expect(await fourth.stateBytes() == full.state)

        // A snapshot above the committed offset is never used.
        try store.save(
            Snapshot(topic: log, partition: 0, offset: 600, format: CountingProcessor.snapshotFormat, state: try #require(full.state)))
        let fifth = PartitionWorker(
            topicPartition: partition, factory: factory, producer: producer, store: store, policy: SnapshotPolicy(), logger: testLogger)
        try await fifth.restore(committed: 400, reader: reader)
        #expect(await fifth.statistics.restoredFrom == nil)
        #expect(await fifth.statistics.replayed == 400)
        let upTo400 = try await Replayer(reader: reader, store: nil, factory: factory, logger: testLogger)
            .replay(topic: log, partition: 0, from: 0, to: 400) { _, _ in }
        #expect(await fifth.stateBytes() == upTo400.state)
        await producer.close()
    }
}
