import Kafka
import Logging

/// Reads a range of one partition with a manually assigned consumer (no group).
///
/// The end of the partition is learnt from the fetch path (partition EOF, the
/// high watermark carried in fetch responses), never from a ListOffsets query,
/// which Tansu answers with less than the real end (SPEC §7).
package struct LogReader: Sendable {
    /// Bootstrap servers and client properties.
    package var client: KafkaClientSettings
    /// A logger.
    package var logger: Logger

    /// librdkafka settings of a reader unless the client properties set them: a
    /// reader reads to a known end, so it asks for large fetches, and the fetch at
    /// the end (which a broker holds for `fetch.wait.max.ms` waiting for new data
    /// before the end-of-partition answer) is short. With librdkafka's 500 ms, every
    /// partition read (log, audit, registry) ended half a second late. A reader
    /// lives for one read, so it pushes no client metrics (KIP-714): with the push
    /// on, destroying the client could wait a second for its final push.
    static let readerProperties = [
        "fetch.wait.max.ms": "10",
        "max.partition.fetch.bytes": String(8 << 20),
        "enable.metrics.push": "false",
    ]

    /// A group-less consumer with the reader settings (the client properties win).
    var readerConfiguration: KafkaConsumerConfiguration {
        var configuration = KafkaConsumerConfiguration(
            bootstrapServers: client.bootstrapServers, groupID: nil, clientID: client.clientID + "-reader",
            properties: Self.readerProperties.merging(client.properties) { _, configured in configured })
        configuration.closeTimeout = .seconds(5)
        return configuration
    }

    /// Creates a reader.
    package init(client: KafkaClientSettings, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Delivers the records of `topic[partition]` from `from` up to (excluding)
    /// `to`, or up to the end of the partition when `to` is nil, in batches.
    /// - Returns: the offset after the last delivered record (the end reached).
    @discardableResult
    package func read(
        topic: String,
        partition: Int32,
        from: Int64,
        to: Int64?,
        body: ([LogRecord]) async throws -> Void
    ) async throws -> Int64 {
        if let to, from >= to { return from }
        var configuration = readerConfiguration
        configuration.enablePartitionEOF = true
        configuration.maxBatchSize = 4096
        let consumer = try KafkaConsumer(configuration: configuration, logger: logger)
        do {
            let next = try await read(consumer: consumer, topic: topic, partition: partition, from: from, to: to, body: body)
            await consumer.close()
            return next
        } catch {
            await consumer.close()
            throw error
        }
    }

    private func read(
        consumer: KafkaConsumer,
        topic: String,
        partition: Int32,
        from: Int64,
        to: Int64?,
        body: ([LogRecord]) async throws -> Void
    ) async throws -> Int64 {
        try consumer.assign([KafkaTopicPartitionOffset(topic: topic, partition: partition, offset: .offset(from))])
        var next = from
        loop: for try await event in consumer.events {
            switch event {
            case .messages(let messages):
                var batch: [LogRecord] = []
                batch.reserveCapacity(messages.count)
                var done = false
                for message in messages where message.offset >= next {
                    if let to, message.offset >= to {
                        done = true
                        break
                    }
                    batch.append(LogRecord(message))
                    next = message.offset + 1
                }
                if !batch.isEmpty { try await body(batch) }
                if done { break loop }
                if let to, next >= to { break loop }
            case .endOfPartition(_, let offset):
                // EOF: `offset` is the next offset that will be written, the real end.
                // Its messages were delivered before it, so at `next` we are done
                // (also when `to` lies beyond the end: the range ends at the end).
                if offset <= next { break loop }
            case .wakeUp:
                continue
            }
        }
        return next
    }
}

extension LogReader {
    /// The first offset `topic[partition]` still holds (its low watermark): above 0
    /// when retention or a deletion removed the partition's beginning.
    package func earliestOffset(topic: String, partition: Int32) async throws -> Int64 {
        let consumer = try KafkaConsumer(configuration: readerConfiguration, logger: logger)
        do {
            let watermarks = try await consumer.queryWatermarks(KafkaTopicPartition(topic: topic, partition: partition))
            await consumer.close()
            return max(0, watermarks.low)
        } catch {
            await consumer.close()
            throw error
        }
    }

    /// Applies the records of `topic[partition]` in `from..<to` (or to the end) to `state`.
    /// - Returns: the offset after the last applied record.
    @discardableResult
    package func fold<State: Sendable>(
        topic: String,
        partition: Int32,
        from: Int64,
        to: Int64?,
        into state: inout State,
        apply: @Sendable (inout State, LogRecord) -> Void
    ) async throws -> Int64 {
        var local = state
        let end = try await read(topic: topic, partition: partition, from: from, to: to) { records in
            for record in records { apply(&local, record) }
        }
        state = local
        return end
    }

    /// Every record of `topic` partitions `0..<partitions`, each partition from
    /// offset 0 to its end, partition by partition (tools, tests, benchmarks).
    package func readAll(topic: String, partitions: Int32) async throws -> [LogRecord] {
        var all: [LogRecord] = []
        for partition in 0..<partitions {
            try await fold(topic: topic, partition: partition, from: 0, to: nil, into: &all) { $0.append($1) }
        }
        return all
    }
}
