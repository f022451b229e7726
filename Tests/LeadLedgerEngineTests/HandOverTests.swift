import Foundation
import Kafka
import LeadLedgerEngine
import Logging
import ServiceLifecycle
import Synchronization
import TestSupport
import Testing

/// Runs a `PartitionedStage` in its own service group so it can be stopped gracefully.
struct RunningStage {
    let stage: PartitionedStage<CountingFactory>
    let group: ServiceGroup
    let task: Task<Void, any Error>
    let producer: KafkaProducer

    static func start(brokers: String, log: String, group groupID: String, factory: CountingFactory, stateDirectory: String) throws
        -> RunningStage
    {
        let client = KafkaClientSettings(bootstrapServers: [brokers], clientID: "engine-tests")
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(bootstrapServers: [brokers], clientID: "engine-tests"), logger: testLogger)
        var configuration = StageConfiguration(name: "materialize", inputTopics: [log], groupID: groupID)
        configuration.sessionTimeout = .seconds(6)
        configuration.snapshotPolicy = SnapshotPolicy(everyRecords: 100, everyInterval: nil)
        let store = try SnapshotStore(directory: stateDirectory)
        let stage = PartitionedStage(
            configuration: configuration, client: client, producer: producer, store: store, factory: factory, logger: testLogger)
        let group = ServiceGroup(configuration: .init(services: [.init(service: stage)], logger: testLogger))
        let task = Task { try await group.run() }
        return RunningStage(stage: stage, group: group, task: task, producer: producer)
    }

    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
        try await producer.flush(timeout: .seconds(30))
        await producer.close()
    }
}

@Suite("Hand-over and commits")
struct HandOverTests {
    /// Two group members split a 4-partition log; the second joins mid-stream so
    /// partitions move (revoke: drain, snapshot, commit; assign: restore, replay
    /// without emitting). Afterwards every log record has exactly one distinct
    /// audit decision id (repeats byte-identical), the routing records equal those
    /// of a clean replay, the committed offsets are the ends of the partitions, and
    /// the final snapshots equal a clean full replay of each partition. Then
    /// `AuditVerifier` passes, and fails naming the decision when one audit record
    /// is tampered with.
    @Test(.timeLimit(.minutes(3)))
    func twoMembersSplitAndHandOver() async throws {
        let brokers = try EngineTestBroker.brokers()
        let log = uniqueName("ho-log")
        let audit = uniqueName("ho-audit")
        let routing = uniqueName("ho-routing")
        try await createTopics([log, audit, routing], partitions: 4, brokers: brokers)
        let total = 4000
        let records = (0..<total).map { (key: "lead-\($0 % 211)", value: "event-\($0)") }
        try await produce(log, Array(records[..<2000]), brokers: brokers)
        let factory = CountingFactory(auditTopic: audit, routingTopic: routing)
        let groupID = uniqueName("ho-group")
        let stateA = FileManager.default.temporaryDirectory.appendingPathComponent(uniqueName("state-a")).path
        let stateB = FileManager.default.temporaryDirectory.appendingPathComponent(uniqueName("state-b")).path

        let first = try RunningStage.start(brokers: brokers, log: log, group: groupID, factory: factory, stateDirectory: stateA)
        try await eventually(60, "first member produced audit records") {
            try await readAll(audit, partitions: 4, brokers: brokers).count >= 200
        }
        let second = try RunningStage.start(brokers: brokers, log: log, group: groupID, factory: factory, stateDirectory: stateB)
        // The second member has its own state directory: it restores moved partitions
        // by replaying the first member's committed prefix without emitting.
        try await eventually(60, "second member restored moved partitions") {
            await second.stage.statistics().replayed > 0
        }
        try await produce(log, Array(records[2000...]), brokers: brokers)
        try await eventually(90, "every log record audited") {
            Set(try await readAll(audit, partitions: 4, brokers: brokers).compactMap(decisionID)).count >= total
        }
        try await first.stop()
        try await second.stop()
        let statsA = await first.stage.statistics()
        let statsB = await second.stage.statistics()
        #expect(statsA.applied + statsB.applied >= total)
        #expect(statsB.applied > 0, "the second member emitted after its restore")

        // Audit: one distinct decision id per log record, repeats byte-identical.
        let auditRecords = try await readAll(audit, partitions: 4, brokers: brokers)
        var byID: [String: Set<[UInt8]>] = [:]
        for record in auditRecords { if let id = decisionID(record) { byID[id, default: []].insert(record.value) } }
        #expect(byID.count == total)
        #expect(byID.values.allSatisfy { $0.count == 1 }, "repeats are byte-identical")

        // A clean replay of every partition derives the same audit and routing records.
        let reader = LogReader(client: KafkaClientSettings(bootstrapServers: [brokers], clientID: "engine-tests"), logger: testLogger)
        let replayer = Replayer(reader: reader, store: nil, factory: factory, logger: testLogger)
        var expectedAudit: [String: [UInt8]] = [:]
        var expectedRouting: [String: [UInt8]] = [:]
        var fullStates: [Int32: (end: Int64, state: [UInt8])] = [:]
        var expected = AuditVerifier.Expected()
        for partition in Int32(0)..<4 {
            let collected = OutputsBox()
            let result = try await replayer.replay(topic: log, partition: partition, from: 0, to: nil) { record, outputs in
                collected.append(record, outputs)
            }
            fullStates[partition] = (result.end, try #require(result.state))
            for (record, outputs) in collected.items {
                expected.add(record, outputs: outputs, auditTopic: audit)
                for output in outputs {
                    let id = output.headers.first { $0.key == OutputHeaders.decisionID }!.value!
                    if output.topic == audit {
                        expectedAudit[String(decoding: id, as: UTF8.self)] = output.value
                    } else {
                        expectedRouting[String(decoding: id, as: UTF8.self)] = output.value
                    }
                }
            }
        }
        #expect(byID.mapValues { $0.first! } == expectedAudit)
        var routingByID: [String: Set<[UInt8]>] = [:]
        for record in try await readAll(routing, partitions: 4, brokers: brokers) {
            if let id = decisionID(record) { routingByID[id, default: []].insert(record.value) }
        }
        #expect(routingByID.values.allSatisfy { $0.count == 1 })
        #expect(routingByID.mapValues { $0.first! } == expectedRouting)

        // Committed offsets are the partition ends; the newest snapshots equal the full replay.
        let probe = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(bootstrapServers: [brokers], groupID: groupID, clientID: "engine-tests"),
            logger: testLogger)
        let partitions = (Int32(0)..<4).map { KafkaTopicPartition(topic: log, partition: $0) }
        let committed = try await probe.committed(partitions)
        await probe.close()
        let storeA = try SnapshotStore(directory: stateA)
        let storeB = try SnapshotStore(directory: stateB)
        for partition in partitions {
            let full = fullStates[partition.partition]!
            #expect(committed[partition] == .some(full.end), "committed offset of \(partition)")
            let snapshots =
                try storeA.candidates(
                    topic: log, partition: partition.partition, atOrBelow: full.end, formats: [CountingProcessor.snapshotFormat])
                + storeB.candidates(
                    topic: log, partition: partition.partition, atOrBelow: full.end, formats: [CountingProcessor.snapshotFormat])
            let newest = snapshots.max { $0.offset < $1.offset }
            #expect(newest?.offset == full.end, "final snapshot of \(partition)")
            #expect(newest?.state == full.state, "final snapshot state of \(partition)")
        }

        // audit verify: passes on the clean run, fails on a tampered record.
        let verifier = AuditVerifier(reader: reader)
        #expect(try await verifier.verify(expected, auditTopic: audit, partitions: [0, 1, 2, 3]).isEmpty)
        let victim = auditRecords[auditRecords.count / 2]
        let victimID = decisionID(victim)!
        let tampered = String(decoding: victim.value, as: UTF8.self).replacingOccurrences(of: "\"count\":", with: "\"count\":1")
        try await produce(
            audit, [(key: "tampered", value: tampered)], brokers: brokers, partition: victim.partition,
            headers: [KafkaHeader(key: OutputHeaders.decisionID, value: victimID)])
        let differences = try await verifier.verify(expected, auditTopic: audit, partitions: [0, 1, 2, 3])
        #expect(differences.count == 1)
        #expect(differences.first?.decisionID == victimID)
        #expect(differences.first?.kind == .differs)
        #expect(differences.first?.description.contains("expected:") == true)
    }
}

/// Collects replay outputs from a `@Sendable` callback.
final class OutputsBox: Sendable {
    private let storage = Mutex<[(LogRecord, [OutputRecord])]>([])
    func append(_ record: LogRecord, _ outputs: [OutputRecord]) { storage.withLock { $0.append((record, outputs)) } }
    var items: [(LogRecord, [OutputRecord])] { storage.withLock { $0 } }
}
