import CRdKafka
import Dispatch
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Handles rebalances. The consumer waits for the handler to return before it
/// changes the assignment, so a handler can snapshot and commit revoked partitions.
/// It runs while the poll thread is paused: keep it well under `maxPollInterval`,
/// and do not call `close()` (or await the consumer's shutdown) from it.
public typealias KafkaRebalanceHandler = @Sendable (KafkaRebalanceEvent) async -> Void

/// A Kafka consumer over librdkafka: consumer groups (eager or cooperative-sticky)
/// or manual assignment, manual commits, seek, pause/resume, watermarks.
///
/// Messages arrive through `events` (batch delivery, the default) or, with
/// `delivery = .perPartition`, through `partitions`: one `KafkaPartitionStream`
/// per assigned partition. A dedicated thread blocks in
/// `rd_kafka_consume_batch_queue` (no busy polling) and hands over arrays of
/// messages; it waits when `bufferCapacity` messages are buffered.
///
/// Offsets are never committed automatically: call `commit(_:)` or
/// `commitAsync(_:)` with the offset of the next message to process (`o + 1`).
///
/// `close()` (or graceful shutdown when run as a `Service`) stops delivery,
/// leaves the group (running the rebalance handler for the final revoke) for at
/// most `closeTimeout`, and destroys the client without a second group close, so
/// it is bounded even when the broker is gone.
public final class KafkaConsumer: Service, Sendable {
    private let core: ConsumerCore

    /// Creates a consumer and starts its poll thread. Nothing is fetched until
    /// `subscribe(topics:)` or `assign(_:)`.
    /// - Parameters:
    ///   - rebalanceHandler: called before partitions are assigned, revoked or lost.
    public init(
        configuration: KafkaConsumerConfiguration,
        logger: Logger = Logger(label: "kafka.consumer"),
        rebalanceHandler: KafkaRebalanceHandler? = nil
    ) throws(KafkaError) {
        var configuration = configuration
        if configuration.groupID == nil {
            // librdkafka's high-level consumer needs a group id even for manual
            // assignment; it is never joined or committed to without `subscribe`.
            configuration.groupID = "leadledger-assign-\(UInt64.random(in: 0...UInt64.max))"
        }
        let core = ConsumerCore(configuration: configuration, logger: logger, handler: rebalanceHandler)
        let opaque = Unmanaged.passRetained(core as RdClientContext).toOpaque()
        let rk: OpaquePointer
        do {
            let conf = try RdKafka.makeConf(configuration.rdProperties, context: opaque)
            rd_kafka_conf_set_rebalance_cb(conf, consumerRebalanceCallback)
            rd_kafka_conf_set_offset_commit_cb(conf, consumerOffsetCommitCallback)
            rk = try RdKafka.makeHandle(type: RD_KAFKA_CONSUMER, conf: conf, properties: configuration.rdProperties)
        } catch {
            Unmanaged<RdClientContext>.fromOpaque(opaque).release()
            throw error
        }
        rd_kafka_poll_set_consumer(rk)
        core.start(handle: RdPointer(raw: rk), queue: RdPointer(raw: rd_kafka_queue_get_consumer(rk)), contextOpaque: opaque)
        self.core = core
    }

    deinit {
        core.beginClose()
    }

    /// Batches of messages and end-of-partition events (batch delivery mode).
    /// Ends when the consumer closes; throws on a fatal client error. Iterate it
    /// from one task only. Empty in per-partition mode.
    public var events: KafkaConsumerEvents { KafkaConsumerEvents(channel: core.eventChannel) }

    /// One stream per assigned partition (per-partition delivery mode), yielded
    /// after the rebalance handler returned for the assignment. A partition's
    /// stream ends when the partition is revoked or lost, or the consumer closes.
    /// Empty in batch mode.
    public var partitions: KafkaPartitionStreams { KafkaPartitionStreams(channel: core.partitionChannel) }

    /// Joins the consumer group and subscribes to `topics`.
    public func subscribe(topics: [String]) throws(KafkaError) {
        try core.withHandle(operation: "subscribe") { (rk) throws(KafkaError) in
            let list = RdKafka.makeList(topics.map { KafkaTopicPartition(topic: $0, partition: -1) })
            defer { rd_kafka_topic_partition_list_destroy(list) }
            let err = rd_kafka_subscribe(rk, list)
            if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(err, operation: "subscribe", topic: topics.joined(separator: ",")) }
        }
    }

    /// Assigns partitions manually (no group membership), starting at the given
    /// offsets (`.offset(n)`, `.beginning`, `.end` or `.stored`). Replaces any
    /// previous manual assignment.
    public func assign(_ partitions: [KafkaTopicPartitionOffset]) throws(KafkaError) {
        try core.manualAssign(partitions)
    }

    /// Moves the fetch position of an assigned partition. When it returns, the
    /// messages of that partition still buffered in the consumer have been dropped
    /// and the next one delivered for it is at `offset` (replay from there).
    public func seek(_ position: KafkaTopicPartitionOffset, timeout: Duration = .seconds(10)) async throws(KafkaError) {
        try await core.seek(position, timeout: timeout)
    }

    /// Stops fetching from the partitions (they stay assigned).
    public func pause(_ partitions: [KafkaTopicPartition]) throws(KafkaError) {
        try core.pauseResume(partitions, pause: true)
    }

    /// Resumes fetching from paused partitions.
    public func resume(_ partitions: [KafkaTopicPartition]) throws(KafkaError) {
        try core.pauseResume(partitions, pause: false)
    }

    /// Commits offsets and waits for the broker's answer. Each offset is the next
    /// message to process (after processing offset `o`, commit `o + 1`).
    public func commit(_ offsets: [KafkaTopicPartitionOffset]) async throws(KafkaError) {
        guard !offsets.isEmpty else { return }
        let lease = try core.lease(operation: "commit")
        defer { core.release(lease) }
        let rk = lease
        try await RdKafka.runBlocking { () throws(KafkaError) in
            let list = RdKafka.makeList(offsets)
            defer { rd_kafka_topic_partition_list_destroy(list) }
            let err = rd_kafka_commit(rk.raw, list, 0)
            if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(err, operation: "commit") }
            try RdKafka.checkList(list, operation: "commit")
        }
    }

    /// Commits the offset after `message` (`message.offset + 1`) and waits for the answer.
    public func commit(_ message: KafkaConsumerMessage) async throws(KafkaError) {
        try await commit([message.nextOffset])
    }

    /// Partitions whose most recent commit (sent with `commitAsync` or `commit`)
    /// failed, with the error; a later successful commit of a partition clears it.
    /// Taking them clears the list: whoever commits asynchronously calls this to
    /// learn what to send again.
    public func takeCommitFailures() -> [KafkaTopicPartition: KafkaError] {
        core.state.withLock { state in
            let failures = state.commitFailures
            state.commitFailures = [:]
            return failures
        }
    }

    /// Sends a commit without waiting; failures are logged and reported by `takeCommitFailures()`.
    public func commitAsync(_ offsets: [KafkaTopicPartitionOffset]) throws(KafkaError) {
        guard !offsets.isEmpty else { return }
        try core.withHandle(operation: "commit") { (rk) throws(KafkaError) in
            let list = RdKafka.makeList(offsets)
            defer { rd_kafka_topic_partition_list_destroy(list) }
            let err = rd_kafka_commit(rk, list, 1)
            if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(err, operation: "commit") }
        }
    }

    /// The group's committed offsets (`nil` where nothing is committed).
    public func committed(_ partitions: [KafkaTopicPartition], timeout: Duration = .seconds(10)) async throws(KafkaError)
        -> [KafkaTopicPartition: Int64?]
    {
        let lease = try core.lease(operation: "committed")
        defer { core.release(lease) }
        return try await RdKafka.runBlocking { () throws(KafkaError) in
            let list = RdKafka.makeList(partitions)
            defer { rd_kafka_topic_partition_list_destroy(list) }
            let err = rd_kafka_committed(lease.raw, list, timeout.millisecondsInt32)
            if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(err, operation: "committed") }
            try RdKafka.checkList(list, operation: "committed")
            var result: [KafkaTopicPartition: Int64?] = [:]
            for entry in RdKafka.entries(of: list) {
                result[entry.topicPartition] = entry.offset >= 0 ? entry.offset : nil
            }
            return result
        }
    }

    /// The watermarks cached from the last fetch response for the partition
    /// (`rd_kafka_get_watermark_offsets`; no network). The high watermark is updated
    /// with every fetch, so it is current while the partition is being consumed.
    /// Throws `.localNotFound`-like errors before the first fetch.
    ///
    /// On Tansu 0.6 this is the reliable way to learn the end of a partition (SPEC §7).
    public func cachedWatermarks(_ partition: KafkaTopicPartition) throws(KafkaError) -> KafkaWatermarks {
        try core.withHandle(operation: "watermarks") { (rk) throws(KafkaError) in
            var low: Int64 = -1
            var high: Int64 = -1
            let err = rd_kafka_get_watermark_offsets(rk, partition.topic, partition.partition, &low, &high)
            if err != RD_KAFKA_RESP_ERR_NO_ERROR {
                throw KafkaError(err, operation: "watermarks", topic: partition.topic, partition: partition.partition)
            }
            if high < 0 {
                throw KafkaError(
                    code: .localNotFound, message: "no fetch response seen yet", operation: "watermarks", topic: partition.topic,
                    partition: partition.partition)
            }
            return KafkaWatermarks(low: low, high: high)
        }
    }

    /// Queries the partition leader for the watermarks (ListOffsets,
    /// `rd_kafka_query_watermark_offsets`).
    ///
    /// - Warning: Tansu 0.6 answers the latest-offset query with less than the real
    ///   end of the partition (SPEC §7); prefer `cachedWatermarks` there, and never
    ///   decide "caught up" from this value alone.
    public func queryWatermarks(_ partition: KafkaTopicPartition, timeout: Duration = .seconds(10)) async throws(KafkaError)
        -> KafkaWatermarks
    {
        let lease = try core.lease(operation: "watermarks")
        defer { core.release(lease) }
        return try await RdKafka.runBlocking { () throws(KafkaError) in
            var low: Int64 = -1
            var high: Int64 = -1
            let err = rd_kafka_query_watermark_offsets(
                lease.raw, partition.topic, partition.partition, &low, &high, timeout.millisecondsInt32)
            if err != RD_KAFKA_RESP_ERR_NO_ERROR {
                throw KafkaError(err, operation: "watermarks", topic: partition.topic, partition: partition.partition)
            }
            return KafkaWatermarks(low: low, high: high)
        }
    }

    /// Consumer-group lag of a partition: cached high watermark minus the committed
    /// offset (or minus the low watermark when nothing is committed).
    public func lag(_ partition: KafkaTopicPartition, timeout: Duration = .seconds(10)) async throws(KafkaError) -> Int64 {
        let watermarks = try cachedWatermarks(partition)
        let committed = try await committed([partition], timeout: timeout)[partition] ?? nil
        return max(0, watermarks.high - (committed ?? watermarks.low))
    }

    /// The partitions currently assigned to this consumer.
    public var assignment: [KafkaTopicPartition] { core.assignment }

    /// Stops delivery, leaves the group (bounded by `closeTimeout`) and destroys
    /// the client. Idempotent; returns once the client is destroyed.
    public func close() async {
        core.beginClose()
        await core.waitForExit()
    }

    /// `Service`: runs until graceful shutdown (or cancellation), then `close()`s.
    public func run() async throws {
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await core.waitForExit()
            } onGracefulShutdown: {
                self.core.beginClose()
            }
        } onCancel: {
            self.core.beginClose()
        }
    }
}

private let consumerRebalanceCallback:
    @convention(c) (OpaquePointer?, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?, UnsafeMutableRawPointer?)
        -> Void = { rk, err, partitions, opaque in
            guard let rk, let context = RdClientContext.from(opaque) else { return }
            unsafeDowncast(context, to: ConsumerCore.self).rebalance(rk, err, partitions)
        }

private let consumerOffsetCommitCallback:
    @convention(c) (OpaquePointer?, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?, UnsafeMutableRawPointer?)
        -> Void = { _, err, offsets, opaque in
            guard let context = RdClientContext.from(opaque) else { return }
            let core = unsafeDowncast(context, to: ConsumerCore.self)
            var failures: [KafkaTopicPartition: KafkaError] = [:]
            let entries = RdKafka.entries(of: offsets)
            if err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR__NO_OFFSET {
                let error = KafkaError(err, operation: "commit")
                context.logger.warning("offset commit failed: \(error)")
                for entry in entries { failures[entry.topicPartition] = error }
            } else {
                for entry in entries where entry.error != RD_KAFKA_RESP_ERR_NO_ERROR {
                    let error = KafkaError(
                        entry.error, operation: "commit", topic: entry.topicPartition.topic, partition: entry.topicPartition.partition)
                    context.logger.warning("offset commit failed: \(error)")
                    failures[entry.topicPartition] = error
                }
            }
            core.state.withLock { state in
                for entry in entries { state.commitFailures[entry.topicPartition] = failures[entry.topicPartition] }
            }
        }

/// One allocation and one `memcpy`.
@inline(__always)
func copyBytes(_ source: UnsafeRawPointer, _ count: Int) -> [UInt8] {
    guard count > 0 else { return [] }
    return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
        buffer.baseAddress!.update(from: source.assumingMemoryBound(to: UInt8.self), count: count)
        initialized = count
    }
}
