import Foundation
import Kafka
import LeadLedgerEngine
import Logging
import ServiceLifecycle
import TestSupport
import Testing

/// A stateful processor whose restore replay is slow: it waits 2 ms for every
/// record below `slowBelow`, and emits one output naming the offset per record.
struct SlowReplayProcessor: PartitionProcessor {
    static let snapshotFormat = "slow-replay/1"
    static let isStateful = true

    let slowBelow: Int64
    let outputTopic: String
    var applied = 0

    mutating func apply(_ record: LogRecord) -> [OutputRecord] {
        applied += 1
        if record.offset < slowBelow { Thread.sleep(forTimeInterval: 0.002) }
        return [OutputRecord(topic: outputTopic, key: record.key, value: Array(String(record.offset).utf8))]
    }

    func snapshot() -> [UInt8]? { Array(String(applied).utf8) }
}

struct SlowReplayFactory: PartitionProcessorFactory {
    let slowBelow: Int64
    let outputTopic: String

    struct Unreadable: Error {}

    func makeProcessor(partition: Int32) -> SlowReplayProcessor { SlowReplayProcessor(slowBelow: slowBelow, outputTopic: outputTopic) }

    func restoreProcessor(partition: Int32, snapshot: [UInt8]) throws -> SlowReplayProcessor {
        guard let applied = Int(String(decoding: snapshot, as: UTF8.self)) else { throw Unreadable() }
        var processor = makeProcessor(partition: partition)
        processor.applied = applied
        return processor
    }
}

@Suite("Restore keep-alive")
struct RestoreKeepAliveTests {
    /// The group's committed offset is 4,000 and 12,000 more records wait after it
    /// (more than the consumer's 10,000-message buffer). The restore replays 4,000
    /// records at 2 ms each (8 s), longer than `max.poll.interval.ms` (6 s). The
    /// partition stays with its member: the restore runs once (4,000 records
    /// replayed, not more; a lost partition would restore again from the replay's
    /// snapshot at 3,000), snapshots are written during it, and every record after
    /// the committed offset is then processed.
    @Test(.timeLimit(.minutes(5)))
    func aRestoreLongerThanMaxPollIntervalKeepsThePartition() async throws {
        let brokers = try EngineTestBroker.brokers()
        let log = uniqueName("ka-log")
        let out = uniqueName("ka-out")
        let groupID = uniqueName("ka-group")
        try await createTopics([log, out], partitions: 1, brokers: brokers)
        let padding = String(repeating: "x", count: 100)
        try await produce(log, (0..<16_000).map { (key: "k\($0 % 50)", value: "\($0)-\(padding)") }, brokers: brokers, partition: 0)
        let partition = KafkaTopicPartition(topic: log, partition: 0)
        let probe = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(bootstrapServers: [brokers], groupID: groupID, clientID: "engine-tests"),
            logger: testLogger)
        try await probe.commit([KafkaTopicPartitionOffset(partition, offset: .offset(4_000))])
        await probe.close()

        let client = KafkaClientSettings(
            bootstrapServers: [brokers], clientID: "engine-tests",
            properties: ["max.poll.interval.ms": "6000", "session.timeout.ms": "6000"])
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(bootstrapServers: [brokers], clientID: "engine-tests"), logger: testLogger)
        var configuration = StageConfiguration(name: "keepalive", inputTopics: [log], groupID: groupID)
        configuration.sessionTimeout = .seconds(6)
        // Replay snapshots at 1,500 and 3,000: a second restore (after a lost
        // partition) would replay 1,000 records more.
        configuration.snapshotPolicy = SnapshotPolicy(everyRecords: 1_500, everyInterval: nil)
        let stateDirectory = FileManager.default.temporaryDirectory.appendingPathComponent(uniqueName("ka-state")).path
        let store = try SnapshotStore(directory: stateDirectory, keep: 100)
        let stage = PartitionedStage(
            configuration: configuration, client: client, producer: producer, store: store,
            factory: SlowReplayFactory(slowBelow: 4_000, outputTopic: out), logger: testLogger)
        let group = ServiceGroup(configuration: .init(services: [.init(service: stage)], logger: testLogger))
        let task = Task { try await group.run() }

        try await eventually(90, "every record after the committed offset processed") {
            Set(try await readAll(out, partitions: 1, brokers: brokers).map(\.value)).count >= 12_000
        }
        await group.triggerGracefulShutdown()
        try await task.value
        try await producer.flush(timeout: .seconds(30))
        await producer.close()

        let statistics = await stage.statistics()
        #expect(statistics.replayed == 4_000, "the restore ran once: the partition was never lost")
        let outputs = try await readAll(out, partitions: 1, brokers: brokers).map { String(decoding: $0.value, as: UTF8.self) }
        #expect(Set(outputs) == Set((4_000..<16_000).map(String.init)), "only records after the committed offset are emitted")
        let snapshots = try store.candidates(topic: log, partition: 0, atOrBelow: 4_000, formats: [SlowReplayProcessor.snapshotFormat]) {
            _, _ in
        }
        #expect(Set(snapshots.map(\.offset)).isSuperset(of: [1_500, 3_000]), "the replay snapshotted as it went")
    }
}
