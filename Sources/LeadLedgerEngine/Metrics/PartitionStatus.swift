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
