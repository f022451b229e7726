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

/// The consumer's events (batch delivery mode).
public struct KafkaConsumerEvents: AsyncSequence, Sendable {
    public typealias Element = KafkaConsumerEvent
    let channel: EventChannel<KafkaConsumerEvent>

    /// Iterator; use from one task.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let channel: EventChannel<KafkaConsumerEvent>
        /// The next event, nil when the consumer closed.
        public mutating func next() async throws -> KafkaConsumerEvent? {
            try await channel.next()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(channel: channel) }
}

/// The events of one assigned partition (per-partition delivery mode).
public struct KafkaPartitionStream: AsyncSequence, Sendable {
    public typealias Element = KafkaConsumerEvent
    /// The partition.
    public let topicPartition: KafkaTopicPartition
    let channel: EventChannel<KafkaConsumerEvent>

    public func makeAsyncIterator() -> KafkaConsumerEvents.AsyncIterator { .init(channel: channel) }

    /// Makes the reader's pending (or next) wait return `.wakeUp`, after the events
    /// already buffered. Never blocks, so a delivery callback on the producer's
    /// poll thread may call it. Does nothing once the stream ended.
    public func wake() {
        channel.sendWithoutWaiting(.wakeUp(topicPartition))
    }
}

/// Newly assigned partitions' streams (per-partition delivery mode).
public struct KafkaPartitionStreams: AsyncSequence, Sendable {
    public typealias Element = KafkaPartitionStream
    let channel: EventChannel<KafkaPartitionStream>

    /// Iterator; use from one task.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let channel: EventChannel<KafkaPartitionStream>
        /// The next partition stream, nil when the consumer closed.
        public mutating func next() async throws -> KafkaPartitionStream? {
            try await channel.next()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(channel: channel) }
}

/// Shared state, poll thread and callbacks of a consumer.
///
/// `@unchecked Sendable` (inherited): mutable state lives in `state` (a `Mutex`);
/// `handle`, `queue` and `contextOpaque` are written once in `start` before the
/// poll thread starts and before the consumer is returned to callers.
final class ConsumerCore: RdClientContext, @unchecked Sendable {
    enum Phase: Int, Comparable {
        case running, closing, destroying, exited
        static func < (lhs: Phase, rhs: Phase) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    struct SeekRequest {
        var position: KafkaTopicPartitionOffset
        var timeout: Duration
        var continuation: CheckedContinuation<Result<Void, KafkaError>, Never>
    }

    struct State {
        var phase: Phase = .running
        var leases = 0
        var assigned: [KafkaTopicPartition: EventChannel<KafkaConsumerEvent>?] = [:]
        var seeks: [SeekRequest] = []
        var exitWaiters: [CheckedContinuation<Void, Never>] = []
        var fatalError: KafkaError?
        /// Partitions whose last commit failed, with the error (see `takeCommitFailures`).
        var commitFailures: [KafkaTopicPartition: KafkaError] = [:]
    }

    let configuration: KafkaConsumerConfiguration
    let handler: KafkaRebalanceHandler?
    let state = Mutex(State())
    let eventChannel: EventChannel<KafkaConsumerEvent>
    let partitionChannel: EventChannel<KafkaPartitionStream>
    private(set) var handle: RdPointer?
    private(set) var queue: RdPointer?
    private var contextOpaque: UnsafeMutableRawPointer?
    /// Topic names by topic handle; touched on the poll thread only.
    private var topicNames: [OpaquePointer: String] = [:]

    init(configuration: KafkaConsumerConfiguration, logger: Logger, handler: KafkaRebalanceHandler?) {
        self.configuration = configuration
        self.handler = handler
        self.eventChannel = EventChannel(capacity: configuration.bufferCapacity, weigh: ConsumerCore.weight)
        self.partitionChannel = EventChannel(capacity: Int.max, weigh: { _ in 1 })
        if configuration.delivery == .perPartition {
            eventChannel.finish()
        } else {
            partitionChannel.finish()
        }
        super.init(logger: logger, statisticsHandler: configuration.client.statisticsHandler)
    }

    @Sendable static func weight(_ event: KafkaConsumerEvent) -> Int {
        if case .messages(let messages) = event { return messages.count }
        return 1
    }

    override func clientError(_ error: KafkaError) {
        guard error.isFatal else { return }
        state.withLock { $0.fatalError = error }
        wakePollThread()
    }

    /// Wakes the poll thread out of its blocking consume call. Holds a lease for the
    /// call: the poll thread may be on its way to destroying the queue (a close or a
    /// fatal error), and shutdown waits for leases before it destroys anything.
    private func wakePollThread(alreadyLeased: Bool = false) {
        if !alreadyLeased {
            let leased = state.withLock { state -> Bool in
                guard state.phase < .destroying else { return false }
                state.leases += 1
                return true
            }
            guard leased else { return }
        }
        if let queue { rd_kafka_queue_yield(queue.raw) }
        state.withLock { $0.leases -= 1 }
    }

    func start(handle: RdPointer, queue: RdPointer, contextOpaque: UnsafeMutableRawPointer) {
        self.handle = handle
        self.queue = queue
        self.contextOpaque = contextOpaque
        let thread = Thread { [self] in self.pollLoop() }
        thread.name = "kafka-consumer-poll"
        thread.start()
    }

    var assignment: [KafkaTopicPartition] {
        state.withLock { Array($0.assigned.keys) }.sorted()
    }

    // MARK: handle leases (no librdkafka call may race with rd_kafka_destroy)

    func lease(operation: String) throws(KafkaError) -> RdPointer {
        let ok = state.withLock { state -> Bool in
            guard state.phase < .destroying else { return false }
            state.leases += 1
            return true
        }
        guard ok, let handle else { throw KafkaError(code: .localDestroyed, message: "the consumer is closed", operation: operation) }
        return handle
    }

    func release(_ lease: RdPointer) {
        state.withLock { $0.leases -= 1 }
    }

    func withHandle<T>(operation: String, _ body: (OpaquePointer) throws(KafkaError) -> T) throws(KafkaError) -> T {
        let lease = try lease(operation: operation)
        defer { release(lease) }
        return try body(lease.raw)
    }

    // MARK: assignment

    private func addPartitions(_ partitions: [KafkaTopicPartition]) -> [KafkaPartitionStream] {
        var streams: [KafkaPartitionStream] = []
        state.withLock { state in
            for partition in partitions where state.assigned[partition] == nil {
                if configuration.delivery == .perPartition {
                    let channel = EventChannel<KafkaConsumerEvent>(capacity: configuration.bufferCapacity, weigh: ConsumerCore.weight)
                    state.assigned[partition] = .some(channel)
                    streams.append(KafkaPartitionStream(topicPartition: partition, channel: channel))
                } else {
                    state.assigned[partition] = .some(nil)
                }
            }
        }
        return streams
    }

    /// Forgets partitions: their buffered messages are dropped and streams finished.
    private func removePartitions(_ partitions: [KafkaTopicPartition]) {
        let removed = Set(partitions)
        let channels: [EventChannel<KafkaConsumerEvent>] = state.withLock { state in
            var channels: [EventChannel<KafkaConsumerEvent>] = []
            for partition in partitions {
                if let entry = state.assigned.removeValue(forKey: partition), let channel = entry { channels.append(channel) }
            }
            return channels
        }
        for channel in channels { channel.finish(discardBuffered: true) }
        eventChannel.filterBuffered { event in
            switch event {
            case .messages(let messages):
                let kept = messages.filter { !removed.contains(KafkaTopicPartition(topic: $0.topic, partition: $0.partition)) }
                return kept.isEmpty ? nil : .messages(kept)
            case .endOfPartition(let partition, _), .wakeUp(let partition):
                return removed.contains(partition) ? nil : event
            }
        }
    }

    func manualAssign(_ partitions: [KafkaTopicPartitionOffset]) throws(KafkaError) {
        try withHandle(operation: "assign") { (rk) throws(KafkaError) in
            removePartitions(assignment)
            // Register the partitions before librdkafka starts fetching them: the poll
            // thread drops messages of partitions that are not registered (revoked
            // ones), and on a loaded machine the first fetch can be served before
            // this thread gets to run again after rd_kafka_assign. Registering after
            // the call lost those messages, and a LogReader then waited forever.
            let streams = addPartitions(partitions.map(\.topicPartition))
            let list = RdKafka.makeList(partitions)
            defer { rd_kafka_topic_partition_list_destroy(list) }
            let err = rd_kafka_assign(rk, list)
            if err != RD_KAFKA_RESP_ERR_NO_ERROR {
                removePartitions(partitions.map(\.topicPartition))
                throw KafkaError(err, operation: "assign")
            }
            for stream in streams {
                partitionChannel.send(stream)
            }
        }
    }

    func pauseResume(_ partitions: [KafkaTopicPartition], pause: Bool) throws(KafkaError) {
        try withHandle(operation: pause ? "pause" : "resume") { (rk) throws(KafkaError) in
            let list = RdKafka.makeList(partitions)
            defer { rd_kafka_topic_partition_list_destroy(list) }
            let err = pause ? rd_kafka_pause_partitions(rk, list) : rd_kafka_resume_partitions(rk, list)
            if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(err, operation: pause ? "pause" : "resume") }
            try RdKafka.checkList(list, operation: pause ? "pause" : "resume")
        }
    }

    /// Seeks run on the poll thread between two fetch batches, so no message
    /// taken from librdkafka before the seek can be delivered after it.
    func seek(_ position: KafkaTopicPartitionOffset, timeout: Duration) async throws(KafkaError) {
        let result: Result<Void, KafkaError> = await withCheckedContinuation { continuation in
            let accepted = state.withLock { state -> Bool in
                guard state.phase == .running else { return false }
                state.seeks.append(SeekRequest(position: position, timeout: timeout, continuation: continuation))
                state.leases += 1  // released by wakePollThread
                return true
            }
            if accepted {
                wakePollThread(alreadyLeased: true)
            } else {
                continuation.resume(
                    returning: .failure(KafkaError(code: .localDestroyed, message: "the consumer is closed", operation: "seek")))
            }
        }
        try result.get()
    }

    private func performSeeks(_ rk: OpaquePointer) {
        let seeks = state.withLock { state in
            let seeks = state.seeks
            state.seeks = []
            return seeks
        }
        for seek in seeks {
            let list = RdKafka.makeList([seek.position])
            var result: Result<Void, KafkaError> = .success(())
            if let error = rd_kafka_seek_partitions(rk, list, seek.timeout.millisecondsInt32) {
                result = .failure(
                    KafkaError(
                        consuming: error, operation: "seek", topic: seek.position.topicPartition.topic,
                        partition: seek.position.topicPartition.partition))
            } else {
                for entry in RdKafka.entries(of: list) where entry.error != RD_KAFKA_RESP_ERR_NO_ERROR {
                    result = .failure(
                        KafkaError(
                            entry.error, operation: "seek", topic: entry.topicPartition.topic, partition: entry.topicPartition.partition))
                }
            }
            rd_kafka_topic_partition_list_destroy(list)
            // Drop what was buffered for the partition before the seek.
            let partition = seek.position.topicPartition
            let channel = state.withLock { $0.assigned[partition] ?? nil }
            channel?.filterBuffered { _ in nil }
            eventChannel.filterBuffered { event in
                switch event {
                case .messages(let messages):
                    let kept = messages.filter { $0.partition != partition.partition || $0.topic != partition.topic }
                    return kept.isEmpty ? nil : .messages(kept)
                case .endOfPartition(let eventPartition, _), .wakeUp(let eventPartition):
                    return eventPartition == partition ? nil : event
                }
            }
            seek.continuation.resume(returning: result)
        }
    }

    // MARK: rebalance (poll thread, inside rd_kafka_consume_batch_queue)

    private func callHandler(_ event: KafkaRebalanceEvent) {
        guard let handler else { return }
        let done = DispatchSemaphore(value: 0)
        Task {
            await handler(event)
            done.signal()
        }
        done.wait()
    }

    func rebalance(_ rk: OpaquePointer, _ err: rd_kafka_resp_err_t, _ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?) {
        let partitions = RdKafka.entries(of: list).map(\.topicPartition)
        let cooperative = String(cString: rd_kafka_rebalance_protocol(rk)) == "COOPERATIVE"
        switch err {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            logger.info(
                "partitions assigned: \(partitions.map(\.description).joined(separator: ", "))",
                metadata: ["protocol": "\(cooperative ? "cooperative" : "eager")"])
            callHandler(.assigned(partitions))
            let streams = addPartitions(partitions)
            if cooperative {
                if let error = rd_kafka_incremental_assign(rk, list) {
                    logger.error("incremental assign failed: \(KafkaError(consuming: error, operation: "assign"))")
                }
            } else {
                let result = rd_kafka_assign(rk, list)
                if result != RD_KAFKA_RESP_ERR_NO_ERROR { logger.error("assign failed: \(KafkaError(result, operation: "assign"))") }
            }
            if configuration.pausesNewPartitions, let list {
                let result = rd_kafka_pause_partitions(rk, list)
                if result != RD_KAFKA_RESP_ERR_NO_ERROR { logger.error("pause failed: \(KafkaError(result, operation: "pause"))") }
            }
            for stream in streams { partitionChannel.send(stream) }
        case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
            let lost = rd_kafka_assignment_lost(rk) != 0
            logger.info("partitions \(lost ? "lost" : "revoked"): \(partitions.map(\.description).joined(separator: ", "))")
            removePartitions(partitions)
            callHandler(lost ? .lost(partitions) : .revoked(partitions))
            if cooperative {
                if let error = rd_kafka_incremental_unassign(rk, list) {
                    logger.error("incremental unassign failed: \(KafkaError(consuming: error, operation: "unassign"))")
                }
            } else {
                _ = rd_kafka_assign(rk, nil)
            }
        default:
            logger.error("rebalance error: \(KafkaError(err, operation: "rebalance"))")
            removePartitions(assignment)
            if cooperative {
                if let error = rd_kafka_incremental_unassign(rk, list) { rd_kafka_error_destroy(error) }
            } else {
                _ = rd_kafka_assign(rk, nil)
            }
        }
    }

    // MARK: poll loop

    /// The last topic handle seen and its name (poll thread only).
    private var lastTopic: (rkt: OpaquePointer, name: String)?

    private func topicName(_ rkt: OpaquePointer?) -> String {
        guard let rkt else { return "" }
        if let lastTopic, lastTopic.rkt == rkt { return lastTopic.name }
        let name: String
        if let cached = topicNames[rkt] {
            name = cached
        } else {
            // A new allocation (not a shared literal) even for equal names.
            name = String(
                decoding: UnsafeRawBufferPointer(start: rd_kafka_topic_name(rkt), count: strlen(rd_kafka_topic_name(rkt))), as: UTF8.self)
            topicNames[rkt] = name
        }
        lastTopic = (rkt, name)
        return name
    }

    /// Copies `count` bytes into the batch buffer at `cursor`.
    @inline(__always)
    private func bytes(_ source: UnsafeRawPointer, _ count: Int, _ storage: KafkaByteStorage, _ cursor: inout Int) -> KafkaBytes {
        guard count > 0 else { return KafkaBytes(storage: KafkaByteStorage.empty, offset: 0, count: 0) }
        (storage.base + cursor).copyMemory(from: source, byteCount: count)
        defer { cursor += count }
        return KafkaBytes(storage: storage, offset: cursor, count: count)
    }

    private func convert(_ msg: UnsafeMutablePointer<rd_kafka_message_t>, _ storage: KafkaByteStorage, _ cursor: inout Int)
        -> KafkaConsumerMessage
    {
        let m = msg.pointee
        let value: KafkaBytes =
            m.payload.map { bytes($0, m.len, storage, &cursor) } ?? KafkaBytes(storage: KafkaByteStorage.empty, offset: 0, count: 0)
        let key: KafkaBytes? = m.key.map { bytes($0, m.key_len, storage, &cursor) }
        var headers: [KafkaHeader] = []
        var hdrs: OpaquePointer? = nil
        if rd_kafka_message_headers(msg, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR, let hdrs {
            let count = rd_kafka_header_cnt(hdrs)
            headers.reserveCapacity(count)
            var index = 0
            var name: UnsafePointer<CChar>? = nil
            var valuePointer: UnsafeRawPointer? = nil
            var size = 0
            while rd_kafka_header_get_all(hdrs, index, &name, &valuePointer, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
                let headerValue = valuePointer.map { copyBytes($0, size) }
                headers.append(KafkaHeader(key: name.map { String(cString: $0) } ?? "", value: headerValue))
                index += 1
            }
        }
        var type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let ts = rd_kafka_message_timestamp(msg, &type)
        let timestamp: KafkaTimestamp
        switch type {
        case RD_KAFKA_TIMESTAMP_CREATE_TIME: timestamp = .createTime(ts)
        case RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME: timestamp = .logAppendTime(ts)
        default: timestamp = .none
        }
        return KafkaConsumerMessage(
            topic: topicName(m.rkt), partition: m.partition, offset: m.offset, key: key, value: value, headers: headers,
            timestamp: timestamp)
    }

    private func pollLoop() {
        guard let handle, let queue else { return }
        let rk = handle.raw
        let capacity = max(1, configuration.maxBatchSize)
        let buffer = UnsafeMutablePointer<UnsafeMutablePointer<rd_kafka_message_t>?>.allocate(capacity: capacity)
        defer { buffer.deallocate() }
        let perPartition = configuration.delivery == .perPartition

        while true {
            let (phase, hasSeeks, fatal) = state.withLock { ($0.phase, !$0.seeks.isEmpty, $0.fatalError) }
            if phase != .running || fatal != nil { break }
            if hasSeeks { performSeeks(rk) }
            // Block (up to 1 s) for the first message or event, then take what else is
            // already queued without waiting: a batch call alone would wait for a full batch.
            guard let first = rd_kafka_consume_queue(queue.raw, 1000) else { continue }
            // Fresh topic strings per batch: messages of one batch share them, but the
            // application releasing the previous batch on another core does not contend
            // with this thread on the same reference count.
            lastTopic = nil
            topicNames.removeAll(keepingCapacity: true)
            buffer[0] = first
            let more = capacity > 1 ? rd_kafka_consume_batch_queue(queue.raw, 0, buffer + 1, capacity - 1) : 0
            let count = 1 + max(0, more)

            // Group the batch: messages in order, EOF markers after the messages before them.
            var events: [(KafkaTopicPartition?, KafkaConsumerEvent)] = []
            var pending: [KafkaConsumerMessage] = []
            pending.reserveCapacity(count)
            var perPartitionPending: [KafkaTopicPartition: [KafkaConsumerMessage]] = [:]
            // The distinct partitions of this batch (usually one or a few).
            var batchPartitions: [(rkt: OpaquePointer?, partition: Int32)] = []
            func flushPending() {
                if perPartition {
                    for (partition, messages) in perPartitionPending.sorted(by: { $0.key < $1.key }) {
                        events.append((partition, .messages(messages)))
                    }
                    perPartitionPending.removeAll(keepingCapacity: true)
                } else if !pending.isEmpty {
                    events.append((nil, .messages(pending)))
                    pending = []
                }
            }
            // One buffer for all keys and values of the batch.
            var total = 0
            for index in 0..<count {
                guard let msg = buffer[index], msg.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR else { continue }
                if msg.pointee.payload != nil { total += msg.pointee.len }
                if msg.pointee.key != nil { total += msg.pointee.key_len }
            }
            let storage = total > 0 ? KafkaByteStorage(capacity: total) : KafkaByteStorage.empty
            var cursor = 0
            for index in 0..<count {
                guard let msg = buffer[index] else { continue }
                defer { rd_kafka_message_destroy(msg) }
                let err = msg.pointee.err
                if err == RD_KAFKA_RESP_ERR_NO_ERROR {
                    let message = convert(msg, storage, &cursor)
                    if let last = batchPartitions.last, last.rkt == msg.pointee.rkt, last.partition == message.partition {
                        // same partition as the previous message
                    } else if !batchPartitions.contains(where: { $0.rkt == msg.pointee.rkt && $0.partition == message.partition }) {
                        batchPartitions.append((msg.pointee.rkt, message.partition))
                    }
                    if perPartition {
                        perPartitionPending[message.topicPartition, default: []].append(message)
                    } else {
                        pending.append(message)
                    }
                } else if err == RD_KAFKA_RESP_ERR__PARTITION_EOF {
                    flushPending()
                    let partition = KafkaTopicPartition(topic: topicName(msg.pointee.rkt), partition: msg.pointee.partition)
                    events.append((partition, .endOfPartition(partition, offset: msg.pointee.offset)))
                } else {
                    let text = rd_kafka_message_errstr(msg).map { String(cString: $0) }
                    let error = KafkaError(
                        err, message: text, operation: "consume", topic: msg.pointee.rkt.map { topicName($0) },
                        partition: msg.pointee.partition >= 0 ? msg.pointee.partition : nil)
                    if error.isFatal {
                        state.withLock { $0.fatalError = error }
                    } else {
                        logger.warning("\(error)")
                    }
                }
            }
            flushPending()

            // Deliver what belongs to partitions that are still assigned (a rebalance
            // served inside this poll may have revoked some).
            let assigned = state.withLock { $0.assigned }
            let unassigned = Set(
                batchPartitions.map { KafkaTopicPartition(topic: topicName($0.rkt), partition: $0.partition) }.filter {
                    assigned[$0] == nil
                })
            for (partition, event) in events {
                if perPartition {
                    guard let partition, let entry = assigned[partition], let channel = entry else { continue }
                    channel.send(event)
                } else {
                    var event = event
                    if case .messages(let messages) = event, !unassigned.isEmpty {
                        let kept = messages.filter { !unassigned.contains($0.topicPartition) }
                        if kept.isEmpty { continue }
                        event = .messages(kept)
                    } else if let partition, assigned[partition] == nil {
                        continue
                    }
                    eventChannel.send(event)
                }
            }
        }
        shutdown(rk: rk, queue: queue.raw, buffer: buffer, capacity: capacity)
    }

    private func shutdown(
        rk: OpaquePointer, queue: OpaquePointer, buffer: UnsafeMutablePointer<UnsafeMutablePointer<rd_kafka_message_t>?>, capacity: Int
    ) {
        let fatal = state.withLock { $0.fatalError }
        // 1. Stop delivery: buffered messages are dropped, streams end.
        let (channels, seeks) = state.withLock { state in
            (state.assigned.values.compactMap { $0 }, state.seeks)
        }
        state.withLock { $0.seeks = [] }
        for seek in seeks {
            seek.continuation.resume(
                returning: .failure(KafkaError(code: .localDestroyed, message: "the consumer is closed", operation: "seek")))
        }
        eventChannel.finish(error: fatal, discardBuffered: true)
        for channel in channels { channel.finish(error: fatal, discardBuffered: true) }
        partitionChannel.finish(error: fatal)

        // 2. Leave the group (final revoke through the rebalance handler), bounded.
        let deadline = ContinuousClock.now + configuration.closeTimeout
        if let error = rd_kafka_consumer_close_queue(rk, queue) {
            logger.warning("consumer close: \(KafkaError(consuming: error, operation: "close"))")
        } else {
            while rd_kafka_consumer_closed(rk) == 0 {
                if ContinuousClock.now >= deadline {
                    logger.warning("consumer close did not finish within \(configuration.closeTimeout); destroying without group close")
                    break
                }
                let count = rd_kafka_consume_batch_queue(queue, 100, buffer, capacity)
                if count > 0 {
                    for index in 0..<count { if let msg = buffer[index] { rd_kafka_message_destroy(msg) } }
                }
            }
        }

        // 3. Destroy once no other thread is inside a librdkafka call.
        state.withLock { $0.phase = .destroying }
        while state.withLock({ $0.leases > 0 }) { usleep(1000) }
        rd_kafka_queue_destroy(queue)
        rd_kafka_destroy_flags(rk, Int32(RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE))
        let waiters = state.withLock { state in
            state.phase = .exited
            state.assigned = [:]
            let waiters = state.exitWaiters
            state.exitWaiters = []
            return waiters
        }
        for waiter in waiters { waiter.resume() }
        if let contextOpaque { Unmanaged<RdClientContext>.fromOpaque(contextOpaque).release() }
    }

    // MARK: lifecycle

    func beginClose() {
        // The lease is taken with the phase change: once the phase is `.closing` the
        // poll thread may shut down at any moment, and it must not destroy the queue
        // before the wake-up call below has returned.
        let changed = state.withLock { state -> Bool in
            guard state.phase == .running else { return false }
            state.phase = .closing
            state.leases += 1  // released by wakePollThread
            return true
        }
        guard changed else { return }
        eventChannel.interrupt()
        for channel in state.withLock({ $0.assigned.values.compactMap { $0 } }) { channel.interrupt() }
        wakePollThread(alreadyLeased: true)
    }

    func waitForExit() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let exited = state.withLock { state in
                if state.phase == .exited { return true }
                state.exitWaiters.append(continuation)
                return false
            }
            if exited { continuation.resume() }
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
private func copyBytes(_ source: UnsafeRawPointer, _ count: Int) -> [UInt8] {
    guard count > 0 else { return [] }
    return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
        buffer.baseAddress!.update(from: source.assumingMemoryBound(to: UInt8.self), count: count)
        initialized = count
    }
}
