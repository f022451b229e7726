import Foundation
import Kafka
import Logging
import Metrics
import ServiceLifecycle

/// The mutable side of a stage: its workers, their tasks, and commits.
actor StageCoordinator<Factory: PartitionProcessorFactory> {
    struct Entry {
        var worker: PartitionWorker<Factory>
        /// The partition's loop; returns the worker it ended with (a restart replaces it).
        var task: Task<PartitionWorker<Factory>, Never>
        var committed: Int64?
        /// The worker restored the partition's state and emits.
        var restored = false
    }

    /// The gauges of one assigned partition (removed when it is handed over or lost).
    struct PartitionGauges {
        let lag: Gauge
        let committed: Gauge
        let snapshotAge: Gauge?

        func destroy() {
            lag.destroy()
            committed.destroy()
            snapshotAge?.destroy()
        }
    }

    let name: String
    let factory: Factory
    let producer: KafkaProducer
    let store: SnapshotStore?
    let policy: SnapshotPolicy
    let maxRecordsPerJob: Int
    let reader: LogReader
    let logger: Logger
    let metrics: StageMetrics
    let status: EngineStatusBoard?
    private var gauges: [KafkaTopicPartition: PartitionGauges] = [:]
    /// The consumer received an assignment (or a partition) at least once.
    private var joined = false
    private var consumer: KafkaConsumer?
    private var entries: [KafkaTopicPartition: Entry] = [:]
    private var retired = PartitionWorkerStatistics()
    private(set) var failure: EngineError?
    private(set) var isClosing = false
    private var closingWaiters: [CheckedContinuation<Void, Never>] = []

    init(
        name: String, factory: Factory, producer: KafkaProducer, store: SnapshotStore?, policy: SnapshotPolicy, maxRecordsPerJob: Int,
        reader: LogReader, status: EngineStatusBoard?, logger: Logger
    ) {
        self.name = name
        self.metrics = StageMetrics(stage: name)
        self.status = status
        self.factory = factory
        self.producer = producer
        self.store = store
        self.policy = policy
        self.maxRecordsPerJob = max(1, maxRecordsPerJob)
        self.reader = reader
        self.logger = logger
    }

    func attach(_ consumer: KafkaConsumer) { self.consumer = consumer }

    func beginClosing() {
        guard !isClosing else { return }
        isClosing = true
        let waiters = closingWaiters
        closingWaiters = []
        for waiter in waiters { waiter.resume() }
    }

    func waitUntilClosing() async {
        if isClosing { return }
        await withCheckedContinuation { closingWaiters.append($0) }
    }

    func fail(_ error: EngineError) {
        if failure == nil {
            failure = error
            logger.error("stage \(name) failed: \(error)")
        }
        beginClosing()
    }

    /// Starts a worker for a newly assigned partition's stream.
    func start(_ stream: KafkaPartitionStream) {
        guard let consumer, !isClosing else { return }
        joined = true
        let partition = stream.topicPartition
        // A failed delivery wakes the partition's loop, which restarts the partition
        // even when no further input arrives (the failure of the last batch's outputs).
        let wake: @Sendable () -> Void = { stream.wake() }
        let worker = PartitionWorker(
            topicPartition: partition, factory: factory, producer: producer, store: store, policy: policy, metrics: metrics, logger: logger,
            onDeliveryFailure: wake)
        let reader = self.reader
        let logger = self.logger
        let jobSize = maxRecordsPerJob
        // Keep-alive during the restore: a stateful stage's consumer paused the
        // partition when it was assigned (`pausesNewPartitions`), so its records do
        // not fill the stream's buffer (which would block the consumer's poll thread
        // and, past max.poll.interval.ms, cost the whole group membership), while the
        // poll thread goes on polling for every partition. Resumed once restored.
        let paused = Factory.Processor.isStateful
        // Detached: the partition's loop must not run on (and serialize through) the coordinator.
        let task = Task.detached {
            var worker = worker
            do {
                let committed = try await consumer.committed([partition])[partition] ?? nil
                try await worker.restore(committed: committed, reader: reader)
                if paused { try consumer.resume([partition]) }
                await self.restored(partition, committed: committed)
                let stats = await worker.statistics
                logger.info(
                    "\(partition): assigned; restored from snapshot \(stats.restoredFrom.map(String.init) ?? "none"), replayed \(stats.replayed), emitting from \(committed ?? 0)"
                )
                // After a restart: messages the stream had already taken, at or after
                // this offset, are stale until the re-read from the committed offset
                // (an offset below it) arrives.
                var staleFrom: Int64?
                var restarts = 0
                for try await event in stream {
                    var messages: [KafkaConsumerMessage]
                    switch event {
                    case .messages(let batch): messages = batch
                    case .wakeUp: messages = []  // a delivery failed: act on it below, though no input arrived
                    case .endOfPartition: continue
                    }
                    if let stale = staleFrom, !messages.isEmpty {
                        guard let first = messages.firstIndex(where: { $0.offset < stale }) else { continue }
                        messages = Array(messages[first...])
                        staleFrom = nil
                    }
                    do {
                        if messages.isEmpty { try await worker.checkDeliveries() }
                        var start = 0
                        while start < messages.count {
                            let end = min(start + jobSize, messages.count)
                            try await worker.process(start == 0 && end == messages.count ? messages : Array(messages[start..<end]))
                            start = end
                        }
                    } catch let failure as DeliveryFailure {
                        if await self.isClosing { throw EngineError(.deliveryFailed, context: partition.description, "\(failure)") }
                        restarts += 1
                        staleFrom = await worker.nextOffset
                        worker = try await self.restart(partition, after: failure, worker: worker, attempt: restarts, wake: wake)
                    }
                }
            } catch let error as EngineError {
                await self.fail(error)
            } catch is CancellationError {
                // The partition was lost (during a restart's wait): the next owner repeats.
            } catch {
                await self.fail(EngineError(.logRead, context: partition.description, "\(error)"))
            }
            return worker
        }
        entries[partition] = Entry(worker: worker, task: task, committed: nil)
    }

    /// Pauses fetching `partition`; false (and a warning) when the consumer refuses.
    private func pause(_ partition: KafkaTopicPartition, on consumer: KafkaConsumer) -> Bool {
        do {
            try consumer.pause([partition])
            return true
        } catch {
            logger.warning("\(partition): cannot pause it during its restore (its records may fill the buffer meanwhile): \(error)")
            return false
        }
    }

    private func restored(_ partition: KafkaTopicPartition, committed: Int64?) {
        entries[partition]?.committed = committed
        entries[partition]?.restored = true
    }

    /// Restarts a partition after a failed delivery, instead of failing the stage:
    /// waits until every output of the failed worker has been reported (an older
    /// output must not land after its repeat's successors), then a fresh worker
    /// restores the state at the group's committed offset (which never passed the
    /// failed input) and the consumer is moved back there; the outputs from there
    /// on are produced again (byte-identical repeats). Waits a little longer before
    /// each further restart.
    /// - Returns: the new worker.
    private func restart(
        _ partition: KafkaTopicPartition, after failure: DeliveryFailure, worker: PartitionWorker<Factory>, attempt: Int,
        wake: @escaping @Sendable () -> Void
    ) async throws -> PartitionWorker<Factory> {
        guard let consumer else { throw EngineError(.deliveryFailed, context: partition.description, "\(failure)") }
        logger.error(
            "\(partition): DELIVERY FAILED (\(failure.error)); restarting the partition from its committed offset (restart \(attempt))")
        await worker.tracker.settle()
        try await Task.sleep(for: .seconds(min(30, attempt)))
        let committed = try await consumer.committed([partition])[partition] ?? nil
        let fresh = PartitionWorker(
            topicPartition: partition, factory: factory, producer: producer, store: store, policy: policy, metrics: metrics, logger: logger,
            onDeliveryFailure: wake)
        let paused = Factory.Processor.isStateful && pause(partition, on: consumer)
        try await fresh.restore(committed: committed, reader: reader)
        // The partition may have been lost (and even reassigned) while this waited:
        // the lost partition cancels this task, and its entry is no longer ours.
        try Task.checkCancellation()
        retired.add(await worker.statistics)
        entries[partition]?.worker = fresh
        entries[partition]?.committed = committed
        try await consumer.seek(KafkaTopicPartitionOffset(partition, offset: committed.map { .offset($0) } ?? .beginning))
        if paused { try consumer.resume([partition]) }
        logger.warning("\(partition): restarted at \(committed.map(String.init) ?? "the beginning")")
        return fresh
    }

    /// Commits what every worker may commit (asynchronously). A partition whose
    /// last commit failed is committed again (its recorded offset is forgotten, so
    /// the current committable offset is sent even if it did not move).
    func commitProgress() async {
        guard let consumer else { return }
        for (partition, error) in consumer.takeCommitFailures() where entries[partition] != nil {
            logger.warning("\(partition): commit failed, sending it again: \(error)")
            entries[partition]?.committed = nil
        }
        var offsets: [KafkaTopicPartitionOffset] = []
        for (partition, entry) in entries.sorted(by: { $0.key < $1.key }) {
            let tracker = await entry.worker.tracker
            if tracker.failure != nil { continue }
            let offset = tracker.committableOffset
            guard let current = entries[partition], current.task == entry.task else { continue }
            if let committed = current.committed, offset <= committed { continue }
            if current.committed == nil && offset == 0 { continue }
            offsets.append(KafkaTopicPartitionOffset(partition, offset: .offset(offset)))
            entries[partition]?.committed = offset
        }
        if !offsets.isEmpty {
            do {
                try consumer.commitAsync(offsets)
            } catch {
                // Not even sent: forget the offsets so the next interval sends them again.
                logger.warning("commit failed, sending it again at the next interval: \(error)")
                for offset in offsets { entries[offset.topicPartition]?.committed = nil }
            }
        }
    }

    /// Publishes each partition's lag, committed offset and snapshot age (gauges)
    /// and the stage's state (the health board). Runs in the progress loop, off
    /// the records' path: the lag comes from the consumer's cached watermarks.
    func publishProgress() async {
        guard let consumer else { return }
        let now = ContinuousClock.now
        var partitions: [PartitionStatus] = []
        for (partition, entry) in entries.sorted(by: { $0.key < $1.key }) {
            let progress = await entry.worker.progress
            guard let current = entries[partition], current.task == entry.task else { continue }
            let gauges = self.gauges(for: partition)
            var lag: Int64?
            if current.restored, let watermarks = try? consumer.cachedWatermarks(partition) {
                lag = max(0, watermarks.high - progress.applied)
                gauges.lag.record(lag ?? 0)
            }
            if let committed = current.committed { gauges.committed.record(committed) }
            gauges.snapshotAge?.record((now - progress.lastSnapshotAt) / .seconds(1))
            partitions.append(
                PartitionStatus(stage: name, topic: partition.topic, partition: partition.partition, restored: current.restored, lag: lag))
        }
        status?.update(stage: name, joined: joined, partitions: partitions, at: now)
    }

    private func gauges(for partition: KafkaTopicPartition) -> PartitionGauges {
        if let existing = gauges[partition] { return existing }
        let labels = [("stage", name), ("topic", partition.topic), ("partition", String(partition.partition))]
        let created = PartitionGauges(
            lag: Gauge(label: MetricNames.consumerLag, dimensions: labels),
            committed: Gauge(label: MetricNames.committedOffset, dimensions: labels),
            snapshotAge: Factory.Processor.isStateful && store != nil
                ? Gauge(label: MetricNames.snapshotAge, dimensions: [("stage", name), ("partition", String(partition.partition))]) : nil)
        gauges[partition] = created
        return created
    }

    private func dropGauges(_ partition: KafkaTopicPartition) {
        gauges.removeValue(forKey: partition)?.destroy()
    }

    /// The rebalance handler: runs before the assignment changes.
    func rebalance(_ event: KafkaRebalanceEvent) async {
        switch event {
        case .assigned:
            joined = true  // workers start when the partitions' streams arrive
        case .revoked(let partitions):
            for partition in partitions.sorted() {
                await handOver(partition)
            }
        case .lost(let partitions):
            for partition in partitions.sorted() {
                guard let entry = entries.removeValue(forKey: partition) else { continue }
                dropGauges(partition)
                entry.task.cancel()
                logger.warning("\(partition): lost; its uncommitted outputs will be repeated by the next owner")
                await retire(entry.worker)
            }
        }
    }

    /// Revoke: stop, drain in-flight outputs, snapshot, commit, release.
    private func handOver(_ partition: KafkaTopicPartition) async {
        guard let entry = entries.removeValue(forKey: partition), let consumer else { return }
        dropGauges(partition)
        // A restore still replaying is ended (this handler holds up the poll thread);
        // the snapshots it took on the way shorten the next owner's replay.
        if !entry.restored { entry.task.cancel() }
        let worker = await entry.task.value  // the stream has ended: the worker takes no more records
        let tracker = await worker.tracker
        do {
            try await tracker.drain()
        } catch {
            fail(EngineError(.deliveryFailed, context: partition.description, "not committing: \(error)"))
            await retire(worker)
            return
        }
        do {
            try await worker.snapshot()
        } catch {
            logger.warning("\(partition): snapshot on revoke failed (the next owner replays further): \(error)")
        }
        let offset = tracker.committableOffset
        if offset > 0, offset != entry.committed {
            do {
                try await consumer.commit([KafkaTopicPartitionOffset(partition, offset: .offset(offset))])
            } catch {
                logger.warning("\(partition): commit on revoke failed (the next owner repeats from the last commit): \(error)")
            }
        }
        logger.info("\(partition): handed over at \(offset)")
        await retire(worker)
    }

    private func retire(_ worker: PartitionWorker<Factory>) async {
        let stats = await worker.statistics
        retired.add(stats)
    }

    /// After the consumer closed: hand over whatever is still registered (the final
    /// revoke normally did that already).
    func finish() async {
        for partition in entries.keys.sorted() {
            if let entry = entries.removeValue(forKey: partition) {
                let worker = await entry.task.value
                try? await worker.tracker.drain()
                await retire(worker)
            }
        }
    }

    func totals() async -> PartitionWorkerStatistics {
        var total = retired
        for entry in entries.values {
            total.add(await entry.worker.statistics)
        }
        return total
    }
}
