import Foundation
import Kafka
import LeadLedgerEngine
import Logging

/// The engine's topology with no domain work: three hops run at once, each
/// consuming the previous hop's topic and producing, per input record, its
/// share of the records the engine wrote on the same hop (the same counts, keys
/// and bytes):
///
/// - validate: the inbound topics → a repartition topic (and the DLQ records);
/// - identity: the repartition topic → a log topic;
/// - materialize: the log topic → a routing topic and an audit topic.
///
/// The hops read by partition assignment and commit nothing, so the ceiling it
/// measures is the broker and client cost of the topology alone: the engine's
/// consumer groups, commits, snapshots and decisions are what the comparison
/// with it shows.
struct SameTopologyPassthrough {
    /// One hop's output topics with the records to write there, in order.
    struct Outputs {
        var records: [(topic: String, key: [UInt8]?, value: [UInt8])]
        var bytes: Int { records.reduce(0) { $0 + $1.value.count } }
    }

    /// What each hop produces: read back from the engine's own output topics.
    let validate: Outputs
    let identity: Outputs
    let materialize: Outputs
    let brokers: [String]
    let logger: Logger

    /// The engine's outputs of a finished run, renamed to the passthrough's topics (`<topic>-pt`).
    static func load(
        _ configuration: EngineConfiguration, reader: LogReader, brokers: [String], logger: Logger
    ) async throws -> SameTopologyPassthrough {
        let topics = configuration.topics
        let counts = configuration.partitions
        func read(_ topic: String, _ partitions: Int32) async throws -> [(topic: String, key: [UInt8]?, value: [UInt8])] {
            try await reader.readAll(topic: topic, partitions: partitions).map { (topic + "-pt", $0.key, $0.value) }
        }
        return SameTopologyPassthrough(
            validate: Outputs(records: try await read(topics.identity, counts.identity) + read(topics.dlq, counts.outputs)),
            identity: Outputs(records: try await read(topics.events, counts.events)),
            materialize: Outputs(records: try await read(topics.routing, counts.outputs) + read(topics.audit, counts.outputs)),
            brokers: brokers, logger: logger)
    }

    /// Creates the passthrough's topics with the engine's partition counts.
    func createTopics(_ configuration: EngineConfiguration) async throws {
        let topics = configuration.topics
        let counts = configuration.partitions
        let admin = try KafkaAdminClient(configuration: KafkaAdminConfiguration(bootstrapServers: brokers), logger: logger)
        for (topic, partitions) in [
            (topics.identity, counts.identity), (topics.dlq, counts.outputs), (topics.events, counts.events),
            (topics.routing, counts.outputs), (topics.audit, counts.outputs),
        ] {
            try await admin.createTopic(name: topic + "-pt", partitions: partitions, configs: ["retention.ms": "-1"])
        }
        await admin.close()
    }

    /// Runs the three hops at once over `inbound` input records.
    /// - Returns: the seconds from the first record consumed to the last hop's last delivery.
    func run(inbound: [String], inboundPartitions: Int32, inboundCount: Int, configuration: EngineConfiguration) async throws -> Double {
        let topics = configuration.topics
        let start = ContinuousClock.now
        let repartition = (topics.identity + "-pt", configuration.partitions.identity)
        let log = (topics.events + "-pt", configuration.partitions.events)
        let validateCount = validate.records.filter { $0.topic == repartition.0 }.count
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await hop(
                    "validate", inputs: inbound.map { ($0, inboundPartitions) }, expected: inboundCount, outputs: validate)
            }
            group.addTask { try await hop("identity", inputs: [repartition], expected: validateCount, outputs: identity) }
            group.addTask { try await hop("materialize", inputs: [log], expected: identity.records.count, outputs: materialize) }
            try await group.waitForAll()
        }
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// Consumes `expected` records of `inputs` and, for input `i` of `n`, produces
    /// the outputs from `i·m/n` up to `(i+1)·m/n` (`m` outputs in all), then waits
    /// for every delivery.
    func hop(_ name: String, inputs: [(String, Int32)], expected: Int, outputs: Outputs) async throws {
        var consumerConfiguration = KafkaConsumerConfiguration(bootstrapServers: brokers, clientID: "bench-pt-\(name)")
        consumerConfiguration.maxBatchSize = 4096
        let consumer = try KafkaConsumer(configuration: consumerConfiguration, logger: logger)
        try consumer.assign(
            inputs.flatMap { topic, partitions in
                (0..<partitions).map { KafkaTopicPartitionOffset(topic: topic, partition: $0, offset: .beginning) }
            })
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(bootstrapServers: brokers, clientID: "bench-pt-\(name)"), logger: logger)
        let m = outputs.records.count
        var consumed = 0
        var written = 0
        if expected > 0 {
            for try await event in consumer.events {
                guard case .messages(let messages) = event else { continue }
                consumed += messages.count
                let upTo = consumed >= expected ? m : consumed * m / expected
                while written < upTo {
                    let r = outputs.records[written]
                    try await producer.enqueue(KafkaProducerMessage(topic: r.topic, key: r.key, value: r.value))
                    written += 1
                }
                if consumed >= expected { break }
            }
        }
        try await producer.flush(timeout: .seconds(300))
        await producer.close()
        await consumer.close()
    }
}
