import Synchronization

/// What the health probes read of one assigned partition.
package struct PartitionStatus: Sendable, Hashable {
    /// The stage processing it.
    package var stage: String
    /// Its topic.
    package var topic: String
    /// Its partition.
    package var partition: Int32
    /// Whether the state was restored and the worker emits (false while it replays).
    package var restored: Bool
    /// Records between the applied position and the high watermark; nil before the
    /// consumer has seen a fetch response for it.
    package var lag: Int64?

    /// Creates a status.
    package init(stage: String, topic: String, partition: Int32, restored: Bool, lag: Int64?) {
        self.stage = stage
        self.topic = topic
        self.partition = partition
        self.restored = restored
        self.lag = lag
    }
}

/// One stage as the health probes see it.
package struct StageStatus: Sendable, Hashable {
    /// The stage's name.
    package var name: String
    /// Whether the stage's consumer received its first assignment (until then the
    /// process is not ready: it does not know its partitions yet).
    package var joined: Bool
    /// Its assigned partitions.
    package var partitions: [PartitionStatus]
    /// When its progress loop last ran (nil: not yet).
    package var heartbeat: ContinuousClock.Instant?

    /// Creates a status.
    package init(name: String, joined: Bool = false, partitions: [PartitionStatus] = [], heartbeat: ContinuousClock.Instant? = nil) {
        self.name = name
        self.joined = joined
        self.partitions = partitions
        self.heartbeat = heartbeat
    }
}

/// The stages' current state, written by each stage's progress loop (every
/// commit interval) and read by the HTTP probes. A lock held for a copy: a probe
/// never waits on a partition worker, and a worker never waits on a probe.
package final class EngineStatusBoard: Sendable {
    private let stages = Mutex<[String: StageStatus]>([:])

    /// An empty board.
    package init() {}

    /// Registers a stage (not joined yet), so a probe sees it before it runs.
    package func register(stage: String) {
        stages.withLock { $0[stage] = $0[stage] ?? StageStatus(name: stage) }
    }

    /// Records a stage's partitions and its progress loop's heartbeat.
    package func update(stage: String, joined: Bool, partitions: [PartitionStatus], at instant: ContinuousClock.Instant) {
        stages.withLock {
            $0[stage] = StageStatus(name: stage, joined: joined, partitions: partitions, heartbeat: instant)
        }
    }

    /// The stages, by name.
    package func snapshot() -> [StageStatus] {
        stages.withLock { $0.values.sorted { $0.name < $1.name } }
    }
}
