import CRdKafka
import Dispatch
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

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
