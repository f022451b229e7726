/// Metadata of a partition.
public struct KafkaPartitionMetadata: Sendable, Hashable {
    /// The partition id.
    public var id: Int32
    /// The broker id of the leader.
    public var leader: Int32
    /// Broker ids of the replicas.
    public var replicas: [Int32]
    /// Broker ids of the in-sync replicas.
    public var inSyncReplicas: [Int32]
}
