import Foundation
import Kafka
import LeadLedgerEngine
import ServiceLifecycle
import Synchronization
import TestSupport
import Testing

/// A stateful test processor whose output for one offset fails to be delivered
/// the first time it is produced: the output goes to a partition of a topic the
/// producer has not seen yet, which the topic does not have (a broker that
/// auto-creates the topic gives it fewer partitions): a delivery failure, not an
/// enqueue error. A broker that does not create it fails the delivery by timeout.
/// Every other output is `offset:count` (count = records applied so far), so a
/// partition restarted from wrong state writes different bytes.
struct FlakyProcessor: PartitionProcessor {
    static let snapshotFormat = "flaky/1"
    static let isStateful = true

    let output: String
    let missing: String
    let failAt: Int64
    let armed: FailOnce
    var count = 0

    mutating func apply(_ record: LogRecord) -> [OutputRecord] {
        count += 1
        let value = Array("\(record.offset):\(count)".utf8)
        if record.offset == failAt, armed.take() {
            return [OutputRecord(topic: missing, key: nil as [UInt8]?, value: value, partition: 999)]
        }
        return [OutputRecord(topic: output, key: nil as [UInt8]?, value: value)]
    }

    func snapshot() -> [UInt8]? { Array(String(count).utf8) }
}

/// True exactly once.
final class FailOnce: Sendable {
    private let armed = Mutex(true)

    func take() -> Bool {
        armed.withLock { armed in
            defer { armed = false }
            return armed
        }
    }
}

struct FlakyFactory: PartitionProcessorFactory {
    let output: String
    let missing: String
    let failAt: Int64
    let armed = FailOnce()

    func makeProcessor(partition: Int32) -> FlakyProcessor {
        FlakyProcessor(output: output, missing: missing, failAt: failAt, armed: armed)
    }

    struct Unreadable: Error {}

    func restoreProcessor(partition: Int32, snapshot: [UInt8]) throws -> FlakyProcessor {
        guard let count = Int(String(decoding: snapshot, as: UTF8.self)) else { throw Unreadable() }
        var processor = makeProcessor(partition: partition)
        processor.count = count
        return processor
    }
}

@Suite("Delivery failure: partition restart")
struct PartitionRestartTests {
    /// One output fails to be delivered. The stage does not fail: it stops producing
    /// for that partition, restarts it from the committed offset (restore, seek) and
    /// produces again. Every input's output reaches its topic with the bytes an
    /// uninterrupted run gives (repeats identical), the group commits to the end,
    /// and the stage stops cleanly. The failing input is either followed by more
    /// input, or is the last input: then nothing arrives after the failure, and the
    /// failure itself must wake the partition.
    /// The bounds are generous: in the broker phase of `scripts/test` every suite runs at once on
    /// two cores, and creating the topics and producing the first half alone has taken over a minute.
    @Test(.timeLimit(.minutes(8)), arguments: [300, 399] as [Int64])
    func failedDeliveryRestartsThePartition(failAt: Int64) async throws {
        let brokers = try EngineTestBroker.brokers()
        let input = uniqueName("rs-in")
        let output = uniqueName("rs-out")
        let missing = uniqueName("rs-missing")
        try await createTopics([input, output], partitions: 1, brokers: brokers)
        let total = 400
        let inputs = (0..<total).map { (key: "k\($0 % 7)", value: "event-\($0)") }
        try await produce(input, Array(inputs[..<200]), brokers: brokers)

        let client = KafkaClientSettings(bootstrapServers: [brokers], clientID: "engine-tests")
        var producerConfiguration = KafkaProducerConfiguration(bootstrapServers: [brokers], clientID: "engine-tests")
        // The failure arrives within this bound whatever the broker does with the
        // unknown topic (auto-creates it: unknown partition; not: timed out).
        producerConfiguration.messageTimeout = .seconds(20)
        let producer = try KafkaProducer(configuration: producerConfiguration, logger: testLogger)
        let groupID = uniqueName("rs-group")
        var configuration = StageConfiguration(name: "flaky", inputTopics: [input], groupID: groupID)
        configuration.sessionTimeout = .seconds(6)
        configuration.snapshotPolicy = SnapshotPolicy(everyRecords: 50, everyInterval: nil)
        configuration.maxRecordsPerJob = 16
        let store = try SnapshotStore(directory: FileManager.default.temporaryDirectory.appendingPathComponent(uniqueName("rs-state")).path)
        let factory = FlakyFactory(output: output, missing: missing, failAt: failAt)
        let stage = PartitionedStage(
            configuration: configuration, client: client, producer: producer, store: store, factory: factory, logger: testLogger)
        let group = ServiceGroup(configuration: .init(services: [.init(service: stage)], logger: testLogger))
        let task = Task { try await group.run() }
        // The first half is committed (and snapshotted) before the failure, so the
        // restart restores state from the store and the log instead of starting over.
        try await eventually(150, "the first half committed") {
            try await committedOffsets(group: groupID, topic: input, partitions: 1, brokers: brokers)[0] == 200
        }
        try await produce(input, Array(inputs[200...]), brokers: brokers)

        let expected = Set((0..<total).map { "\($0):\($0 + 1)" })
        let lastSeen = Mutex("nothing read yet")
        do {
            try await eventually(240, "every input's output delivered and the end committed") {
                let values = Set(
                    try await readAll(output, partitions: 1, brokers: brokers).map { String(decoding: $0.value, as: UTF8.self) })
                let committed = try await committedOffsets(group: groupID, topic: input, partitions: 1, brokers: brokers)[0]
                let missingOutputs = expected.subtracting(values)
                lastSeen.withLock {
                    $0 = "\(missingOutputs.count) outputs missing (first \(missingOutputs.sorted().prefix(3))), committed \(committed)"
                }
                return missingOutputs.isEmpty && committed == Int64(total)
            }
        } catch {
            Issue.record("last seen: \(lastSeen.withLock { $0 }); failure provoked: \(factory.armed.take() == false)")
            await group.triggerGracefulShutdown()
            throw error
        }
        await group.triggerGracefulShutdown()
        try await task.value
        try await producer.flush(timeout: .seconds(30))
        await producer.close()

        let values = try await readAll(output, partitions: 1, brokers: brokers).map { String(decoding: $0.value, as: UTF8.self) }
        #expect(
            Set(values) == expected, "outputs that no uninterrupted run writes: \(Set(values).subtracting(expected).sorted().prefix(5))")
        #expect(factory.armed.take() == false, "the failure was provoked")
    }
}
