import Foundation
import Kafka
import Logging
import Metrics

/// One actor per assigned partition: applies records strictly in offset order,
/// enqueues their outputs (fast path) with an in-flight tracker, snapshots, and
/// hands the partition over (SPEC §9).
actor PartitionWorker<Factory: PartitionProcessorFactory> {
    let topicPartition: KafkaTopicPartition
    private let factory: Factory
    private var processor: Factory.Processor
    private let producer: KafkaProducer
    private let store: SnapshotStore?
    private let policy: SnapshotPolicy
    private let logger: Logger
    private var metrics: PartitionMetrics
    /// The next offset to apply.
    private(set) var nextOffset: Int64 = 0
    private(set) var tracker: InFlightTracker
    private var recordsSinceSnapshot = 0
    /// When the state was last snapshotted, or restored (the snapshot age's origin).
    private(set) var lastSnapshotAt = ContinuousClock.now
    private var lastSnapshotOffset: Int64 = -1
    private(set) var statistics = PartitionWorkerStatistics()
    /// Called once per tracker, when its first delivery failure is recorded.
    private let onDeliveryFailure: (@Sendable () -> Void)?

    init(
        topicPartition: KafkaTopicPartition, factory: Factory, producer: KafkaProducer, store: SnapshotStore?, policy: SnapshotPolicy,
        metrics: StageMetrics = StageMetrics(stage: "worker"), logger: Logger, onDeliveryFailure: (@Sendable () -> Void)? = nil
    ) {
        self.onDeliveryFailure = onDeliveryFailure
        self.metrics = metrics.partition(topicPartition)
        self.topicPartition = topicPartition
        self.factory = factory
        self.processor = factory.makeProcessor(partition: topicPartition.partition)
        self.producer = producer
        self.store = store
        self.policy = policy
        self.logger = logger
        self.tracker = InFlightTracker(startOffset: 0, onFailure: onDeliveryFailure)
    }

    /// Restores the state as of `committed` (the group's committed offset, nil when
    /// none): the newest valid snapshot at or below it, then a replay of the log up
    /// to it without emitting.
    func restore(committed: Int64?, reader: LogReader) async throws {
        let target = committed ?? 0
        var start: Int64 = 0
        if Factory.Processor.isStateful, target > 0 {
            try await factory.willRestore()
            if let store {
                let topic = topicPartition.topic
                let partition = topicPartition.partition
                let logger = self.logger
                let candidates: [Snapshot]
                do {
                    candidates = try store.candidates(
                        topic: topic, partition: partition, atOrBelow: target, formats: Factory.Processor.readableSnapshotFormats
                    ) { offset, reason in
                        logger.warning("ignoring snapshot of \(topic)[\(partition)] at \(offset): \(reason)")
                    }
                } catch {
                    // Snapshots only save replay time: a store that cannot be read
                    // costs a full replay, never the partition.
                    logger.error(
                        "SNAPSHOT STORE UNREADABLE for \(topic)[\(partition)]: \(error); replaying the partition from offset 0 instead")
                    candidates = []
                }
                for candidate in candidates {
                    do {
                        processor = try factory.restoreProcessor(partition: partition, snapshot: candidate.state)
                        start = candidate.offset
                        statistics.restoredFrom = candidate.offset
                        break
                    } catch {
                        logger.warning("ignoring snapshot of \(topic)[\(partition)] at \(candidate.offset): cannot decode: \(error)")
                        processor = factory.makeProcessor(partition: partition)
                    }
                }
            }
            if start < target {
                if processor.usesKeyHooks {
                    let current = processor
                    try await current.prepare([])
                }
                logger.info("\(topicPartition): replaying \(start)..<\(target) without emitting")
                let replay = try await RestoreReplay.run(
                    processor, topicPartition: topicPartition, from: start, to: target, reader: reader, store: store, policy: policy,
                    logger: logger)
                processor = replay.processor
                statistics.replayed += replay.applied
                statistics.snapshots += replay.snapshots
                start = replay.lastSnapshotOffset ?? start
            }
        }
        _ = processor.takeDiagnostics()
        processor.begin(at: target)
        nextOffset = target
        tracker = InFlightTracker(startOffset: target, onFailure: onDeliveryFailure)
        lastSnapshotOffset = start
        lastSnapshotAt = .now
    }

    /// Applies records in offset order and enqueues their outputs.
    func process(_ messages: [KafkaConsumerMessage]) async throws {
        // Outputs per topic of this batch, merged into `statistics` once: a batch
        // writes to one or two topics, and the topic strings of a processor's outputs
        // share storage, so the linear search compares pointers, not bytes (hashing
        // a topic name per output is work a batch does once instead).
        var batchOutputs: [(topic: String, count: Int)] = []
        if statistics.firstAppliedAt == nil, !messages.isEmpty { statistics.firstAppliedAt = .now }
        let needing = messages.filter { $0.offset >= nextOffset && factory.needsPreparation(topic: $0.topic, headers: $0.headers) }
        if !needing.isEmpty { try await factory.prepare(needing.map(LogRecord.init)) }
        let appliedBefore = statistics.applied
        defer {
            for (topic, count) in batchOutputs {
                statistics.outputsByTopic[topic, default: 0] += count
                metrics.countOutputs(count, topic: topic)
            }
            metrics.recordsIn.increment(by: statistics.applied - appliedBefore)
        }
        if processor.usesKeyHooks {
            let current = processor
            try await current.prepare(messages.filter { $0.offset >= nextOffset }.map(LogRecord.init))
        }
        for message in messages {
            if message.offset < nextOffset { continue }  // already applied (e.g. a re-delivery)
            // Fail fast: after a failed delivery, nothing more of this partition is produced.
            try checkDeliveries()
            let record = LogRecord(message)
            let outputs = processor.apply(record)
            if processor.usesKeyHooks {
                let current = processor
                try await current.beforeSending()
            }
            nextOffset = message.offset + 1
            tracker.begin(offset: message.offset, outputs: outputs.count)
            if !outputs.isEmpty {
                let callback = deliveryCallback(for: message)
                for (index, output) in outputs.enumerated() {
                    let sent: [(topic: String, observation: OutputObservation?)]
                    do {
                        sent = try await send(output, of: record, onDelivery: callback)
                    } catch {
                        // This output and the ones after it were never enqueued: the
                        // tracker stops waiting for them (else `drain()` never returns)
                        // and the partition is not committed past this input.
                        tracker.abandon(offset: message.offset, outputs: outputs.count - index, because: error)
                        throw EngineError(
                            .deliveryFailed, context: topicPartition.description,
                            "an output of offset \(message.offset) to \(output.topic) cannot be produced: \(error)")
                    }
                    for sent in sent {
                        if let index = batchOutputs.firstIndex(where: { $0.topic == sent.topic }) {
                            batchOutputs[index].count += 1
                        } else {
                            batchOutputs.append((sent.topic, 1))
                        }
                        if let observation = sent.observation { metrics.observe(observation) }
                    }
                }
                statistics.outputs += outputs.count
            }
            statistics.applied += 1
            recordsSinceSnapshot += 1
        }
        if !messages.isEmpty { statistics.lastAppliedAt = .now }
        report(processor.takeDiagnostics())
        try checkDeliveries()
        snapshotIfDue()
    }

    /// Throws the partition's first delivery failure, if an output failed.
    func checkDeliveries() throws(DeliveryFailure) {
        if let failure = tracker.failure { throw DeliveryFailure(partition: topicPartition, error: failure) }
    }

    /// Logs and counts what the processor noticed while emitting.
    private func report(_ diagnostics: [ProcessorDiagnostic]) {
        for diagnostic in diagnostics {
            logger.error("\(topicPartition): \(diagnostic)")
            Counter(label: MetricNames.diagnostics, dimensions: [("stage", metrics.stage.stage), ("code", diagnostic.code.rawValue)])
                .increment()
        }
    }

    /// The delivery callback of `message`'s outputs: the in-flight tracker's, which
    /// also records the time from the input's Kafka timestamp to each acknowledgement.
    private func deliveryCallback(for message: KafkaConsumerMessage) -> @Sendable (Result<KafkaDeliveryReport, KafkaError>) -> Void {
        let acknowledge = tracker.callback(for: message.offset)
        guard let timestamp = message.timestamp.milliseconds else { return acknowledge }
        let latency = metrics.stage.eventToOutput
        return { result in
            acknowledge(result)
            if case .success = result { latency.recordNanoseconds(WallClock.nanosecondsSince(milliseconds: timestamp)) }
        }
    }

    /// Enqueues `output` of `input`; when the producer refuses it as too large,
    /// enqueues the processor's replacement instead (a DLQ reference record, and
    /// for a forwarded copy its skip marker), counting the extra records in flight.
    /// - Returns: the topic and observation of each record enqueued.
    private func send(
        _ output: OutputRecord, of input: LogRecord,
        onDelivery callback: @escaping @Sendable (Result<KafkaDeliveryReport, KafkaError>) -> Void
    ) async throws(KafkaError) -> [(topic: String, observation: OutputObservation?)] {
        do {
            try await enqueue(output.producerMessage, onDelivery: callback)
            return [(output.topic, output.observation)]
        } catch let error where error.code == .messageSizeTooLarge {
            let replacement = processor.replacement(forUnsendable: output, of: input, reason: error.description)
            guard !replacement.isEmpty else { throw error }
            logger.warning(
                "\(topicPartition): an output of offset \(input.offset) to \(output.topic) is too large (\(output.value.count) bytes); producing a reference to the input to \(replacement.map(\.topic).joined(separator: ", ")) instead"
            )
            tracker.extend(offset: input.offset, outputs: replacement.count - 1)
            var sent: [(topic: String, observation: OutputObservation?)] = []
            for record in replacement {
                try await enqueue(record.producerMessage, onDelivery: callback)
                sent.append((record.topic, record.observation))
            }
            return sent
        }
    }

    private func enqueue(
        _ message: KafkaProducerMessage, onDelivery callback: @escaping @Sendable (Result<KafkaDeliveryReport, KafkaError>) -> Void
    ) async throws(KafkaError) {
        // Synchronous fast path: an `await` on the nonisolated producer would hop
        // off this actor and back for every output.
        if try !producer.tryEnqueue(message, onDelivery: callback) {
            try await producer.enqueue(message, onDelivery: callback)
        }
    }

    private func snapshotIfDue() {
        guard Factory.Processor.isStateful, store != nil else { return }
        let byCount = policy.everyRecords > 0 && recordsSinceSnapshot >= policy.everyRecords
        let byTime = policy.everyInterval.map { recordsSinceSnapshot > 0 && ContinuousClock.now - lastSnapshotAt >= $0 } ?? false
        guard byCount || byTime else { return }
        do {
            try snapshot()
        } catch {
            // Processing goes on: a failed snapshot only makes the next restore replay further.
            logger.error("\(topicPartition): snapshot failed (processing goes on; a restore replays from an older snapshot): \(error)")
            recordsSinceSnapshot = 0
            lastSnapshotAt = .now
        }
    }

    /// Writes a snapshot of the current state (reflecting `0..<nextOffset`).
    func snapshot() throws {
        guard Factory.Processor.isStateful, let store, nextOffset > 0, nextOffset != lastSnapshotOffset else { return }
        let started = ContinuousClock.now
        guard let state = processor.snapshot() else { return }
        defer { metrics.stage.snapshotDuration.record(duration: ContinuousClock.now - started) }
        try store.save(
            Snapshot(
                topic: topicPartition.topic, partition: topicPartition.partition, offset: nextOffset,
                format: Factory.Processor.snapshotFormat, state: state))
        lastSnapshotOffset = nextOffset
        lastSnapshotAt = .now
        recordsSinceSnapshot = 0
        statistics.snapshots += 1
    }

    /// The next offset to apply and when the state was last snapshotted (or restored).
    var progress: (applied: Int64, lastSnapshotAt: ContinuousClock.Instant) { (nextOffset, lastSnapshotAt) }

    /// The current state encoding (for tests and tools).
    func stateBytes() -> [UInt8]? { processor.snapshot() }
}
