import Synchronization

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
