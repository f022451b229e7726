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
        let start = await fetchStart(consumer: consumer, topic: topic, partition: partition, from: from)
        try consumer.assign([KafkaTopicPartitionOffset(topic: topic, partition: partition, offset: .offset(start))])
        // The records before `from` (when the fetch starts below it) are skipped.
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
                // (also when `to` lies beyond the end: the range ends at the end,
                // and when `from` does: the range is empty).
                if offset <= next { break loop }
            case .wakeUp:
                continue
            }
        }
        return next
    }

    /// Where a read from `from` starts fetching: `from` when the partition certainly
    /// reaches it, else the ListOffsets answer for its end, a lower bound of the
    /// end (the end itself on Kafka, up to a producer batch less on Tansu, SPEC §7).
    ///
    /// A fetch at an offset past the end never ends a read by itself: Kafka answers
    /// it with OFFSET_OUT_OF_RANGE, and librdkafka resets the fetch to the beginning
    /// of the partition (`auto.offset.reset`), so the read would go through the whole
    /// partition to skip it; Tansu answers it with no records, no error and a high
    /// watermark below the fetch offset, so librdkafka raises no end of partition and
    /// fetches again for ever. Fetching from the lower bound instead, the read skips
    /// the records before `from` and ends at the end-of-partition event, which
    /// carries the end. A `from` below the first offset the partition still holds
    /// (retention) is fetched as given: librdkafka resets it to the beginning. When
    /// the query fails (no leader for the moment), `from` is fetched as given and
    /// librdkafka retries the fetch as it always did: a read whose range lies
    /// within the partition never fails because of the query.
    private func fetchStart(consumer: KafkaConsumer, topic: String, partition: Int32, from: Int64) async -> Int64 {
        guard from > 0 else { return from }
        do {
            let watermarks = try await consumer.queryWatermarks(KafkaTopicPartition(topic: topic, partition: partition))
            return from <= watermarks.high ? from : max(0, watermarks.high)
        } catch {
            logger.debug("\(topic)[\(partition)]: the end query failed (\(error)); fetching from \(from)")
            return from
        }
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

    /// The end of each of `partitions` of `topic`: the offset its next record will get.
    ///
    /// Learnt from the fetch path, as a read learns it: each partition is fetched
    /// from its ListOffsets answer (a lower bound of the end, see `fetchStart`) to
    /// its end-of-partition event, which carries the end; the records in between
    /// (none on Kafka) are skipped. Commands use it to tell a user that an offset
    /// they gave lies past the end of a partition.
    package func ends(topic: String, partitions: [Int32]) async throws -> [Int32: Int64] {
        let wanted = Set(partitions)
        guard !wanted.isEmpty else { return [:] }
        var configuration = readerConfiguration
        configuration.enablePartitionEOF = true
        configuration.maxBatchSize = 4096
        let consumer = try KafkaConsumer(configuration: configuration, logger: logger)
        do {
            var assignment: [KafkaTopicPartitionOffset] = []
            for partition in wanted.sorted() {
                let watermarks = try await consumer.queryWatermarks(KafkaTopicPartition(topic: topic, partition: partition))
                assignment.append(KafkaTopicPartitionOffset(topic: topic, partition: partition, offset: .offset(max(0, watermarks.high))))
            }
            try consumer.assign(assignment)
            var ends: [Int32: Int64] = [:]
            for try await event in consumer.events {
                guard case .endOfPartition(let end, let offset) = event, end.topic == topic, wanted.contains(end.partition) else {
                    continue
                }
                if ends[end.partition] == nil { ends[end.partition] = offset }
                if ends.count == wanted.count { break }
            }
            await consumer.close()
            guard ends.count == wanted.count else {
                throw EngineError(.logRead, context: topic, "the consumer stopped before it reached the end of every partition")
            }
            return ends
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
