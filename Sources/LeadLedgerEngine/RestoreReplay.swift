import Kafka
import Logging

/// The replay part of a partition's restore: applies the log from a snapshot
/// (or offset 0) up to the committed offset without emitting, and snapshots as
/// it goes, by the stage's `SnapshotPolicy` (records and time), so that a
/// replay interrupted by a lost partition or a crash resumes from its last
/// snapshot instead of starting over. Cancellation (a lost or revoked
/// partition) ends it between two batches.
struct RestoreReplay<Processor: PartitionProcessor>: Sendable {
    /// The state after the last applied record.
    var processor: Processor
    /// Records applied.
    var applied = 0
    /// Snapshots written.
    var snapshots = 0
    /// The offset of the last snapshot written (nil: none).
    var lastSnapshotOffset: Int64?

    /// Replays `from..<to` of `topicPartition` into `processor`.
    /// - Throws: `CancellationError` when the task is cancelled; reader errors.
    static func run(
        _ processor: Processor, topicPartition: KafkaTopicPartition, from: Int64, to: Int64, reader: LogReader, store: SnapshotStore?,
        policy: SnapshotPolicy, logger: Logger
    ) async throws -> RestoreReplay {
        var replay = RestoreReplay(processor: processor)
        var sinceSnapshot = 0
        var snapshotAt = ContinuousClock.now
        /// Saves the state after `offset - 1` (a failure is logged; the replay goes on).
        func save(at offset: Int64) {
            guard let store, let state = replay.processor.snapshot() else { return }
            do {
                try store.save(
                    Snapshot(
                        topic: topicPartition.topic, partition: topicPartition.partition, offset: offset, format: Processor.snapshotFormat,
                        state: state))
                replay.snapshots += 1
                replay.lastSnapshotOffset = offset
            } catch {
                logger.warning("\(topicPartition): snapshot during the restore replay failed (the replay goes on): \(error)")
            }
            sinceSnapshot = 0
            snapshotAt = .now
        }
        var first = true
        try await reader.read(topic: topicPartition.topic, partition: topicPartition.partition, from: from, to: to) { records in
            if first, let head = records.first {
                first = false
                if head.offset > from {
                    // The start of the topic was deleted (retention): the state rebuilt lacks those records.
                    logger.error(
                        "\(topicPartition): RESTORE FROM A TRUNCATED TOPIC: offsets \(from)..<\(head.offset) are no longer in the topic (deleted by its retention?); the state is rebuilt without them. Keep the state directory (snapshots) or a longer retention on this topic."
                    )
                }
            }
            for record in records {
                _ = replay.processor.apply(record)
                replay.applied += 1
                sinceSnapshot += 1
                if policy.everyRecords > 0, sinceSnapshot >= policy.everyRecords { save(at: record.offset + 1) }
            }
            try Task.checkCancellation()
            if let last = records.last, sinceSnapshot > 0, let interval = policy.everyInterval, ContinuousClock.now - snapshotAt >= interval
            {
                save(at: last.offset + 1)
            }
        }
        return replay
    }
}
