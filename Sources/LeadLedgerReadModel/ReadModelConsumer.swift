import Kafka
import LeadLedgerEngine
import Logging
import Metrics
import ServiceLifecycle

/// The read model's downstream consumer: every partition of its topics,
/// manually assigned (no consumer group, nothing committed to Kafka), from the
/// offsets the store has applied. Several replicas can run side by side, each
/// with its own store. Each fetched batch is applied in one transaction with
/// the offsets after it.
package final class ReadModelConsumer: Service, Sendable {
    let store: ReadModelStore
    let client: KafkaClientSettings
    let partitions: [String: [Int32]]
    let logger: Logger
    /// What the health probes read.
    package let progress: ReadModelProgress

    /// - Parameter partitions: the partitions of each topic to read.
    package init(store: ReadModelStore, client: KafkaClientSettings, partitions: [String: [Int32]], logger: Logger) {
        self.store = store
        self.client = client
        self.partitions = partitions
        self.logger = logger
        self.progress = ReadModelProgress(partitions: partitions.values.reduce(0) { $0 + $1.count })
    }

    package func run() async throws {
        var configuration = KafkaConsumerConfiguration(
            bootstrapServers: client.bootstrapServers, groupID: nil, clientID: client.clientID, properties: client.properties)
        configuration.maxBatchSize = 2048
        configuration.closeTimeout = .seconds(5)
        configuration.enablePartitionEOF = true
        let consumer = try KafkaConsumer(configuration: configuration, logger: logger)
        let applied = try store.appliedOffsets()
        var assignment: [KafkaTopicPartitionOffset] = []
        for topic in partitions.keys.sorted() {
            for partition in partitions[topic] ?? [] {
                let next = applied[ReadModelPartition(topic: topic, partition: partition)]
                assignment.append(
                    KafkaTopicPartitionOffset(topic: topic, partition: partition, offset: next.map { .offset($0) } ?? .beginning))
            }
        }
        try consumer.assign(assignment)
        logger.notice("read model: reading \(assignment.count) partitions (\(applied.count) resumed from applied offsets)")
        try await withGracefulShutdownHandler {
            for try await event in consumer.events {
                if case .endOfPartition(let partition, _) = event {
                    progress.reachedEnd(topic: partition.topic, partition: partition.partition)
                    continue
                }
                guard case .messages(let messages) = event else { continue }
                let records = messages.map {
                    LogRecord(
                        topic: $0.topic, partition: $0.partition, offset: $0.offset, key: $0.key.map { Array($0) }, value: Array($0.value),
                        headers: $0.headers)
                }
                if let sealer = store.sealer, let reader = sealer.reader,
                    records.contains(where: { $0.topic == store.topics.events && sealer.namesUnknownSubject($0.value) })
                {
                    try await sealer.keyring.refresh(reader: reader)
                }
                if let features = store.featureSets,
                    records.contains(where: { $0.topic == store.topics.audit && features.namesUnknownSet($0.value) })
                {
                    await features.refresh()
                }
                let skipped = try store.apply(records)
                progress.applied()
                var perTopic: [String: Int] = [:]
                for record in records { perTopic[record.topic, default: 0] += 1 }
                for (topic, count) in perTopic {
                    Counter(label: "leadledger_readmodel_records_total", dimensions: [("topic", topic)]).increment(by: count)
                }
                if skipped > 0 { Counter(label: "leadledger_readmodel_skipped_records_total").increment(by: skipped) }
                if skipped > 0 {
                    // Positions and counts only: a record's content may be personal.
                    logger.warning("read model: \(skipped) of \(records.count) records did not decode (kept in skipped_record)")
                }
            }
        } onGracefulShutdown: {
            Task { await consumer.close() }
        }
        await consumer.close()
    }
}
