import Synchronization

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
