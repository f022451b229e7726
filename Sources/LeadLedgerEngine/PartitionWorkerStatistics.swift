import Foundation
import Kafka
import Logging
import Metrics

/// Counters of one partition worker.
package struct PartitionWorkerStatistics: Sendable, Hashable {
    /// Records applied while emitting.
    package var applied: Int = 0
    /// Records applied during the restore replay (outputs discarded).
    package var replayed: Int = 0
    /// Outputs enqueued.
    package var outputs: Int = 0
    /// Outputs enqueued per topic.
    package var outputsByTopic: [String: Int] = [:]
    /// Snapshots written.
    package var snapshots: Int = 0
    /// Offset of the snapshot the partition was restored from (nil: full replay).
    package var restoredFrom: Int64?
    /// When the first record was applied while emitting (nil: none yet). Taken by the
    /// worker itself, so it is exact even when whoever reads the statistics waited.
    package var firstAppliedAt: ContinuousClock.Instant?
    /// When the last batch so far was applied while emitting (its outputs enqueued).
    package var lastAppliedAt: ContinuousClock.Instant?

    /// Adds `other`'s counters; keeps the earliest first and the latest last application.
    mutating func add(_ other: PartitionWorkerStatistics) {
        applied += other.applied
        replayed += other.replayed
        outputs += other.outputs
        snapshots += other.snapshots
        outputsByTopic.merge(other.outputsByTopic, uniquingKeysWith: +)
        if let first = other.firstAppliedAt { firstAppliedAt = min(firstAppliedAt ?? first, first) }
        if let last = other.lastAppliedAt { lastAppliedAt = max(lastAppliedAt ?? last, last) }
    }

    /// Zero counters.
    package init() {}
}
