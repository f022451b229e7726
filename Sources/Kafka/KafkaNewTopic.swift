/// A topic to create.
public struct KafkaNewTopic: Sendable, Hashable {
    /// The topic name.
    public var name: String
    /// Number of partitions.
    public var partitions: Int32
    /// Replication factor (`-1`: broker default).
    public var replicationFactor: Int16
    /// Topic configs, e.g. `["retention.ms": "-1", "cleanup.policy": "delete"]`.
    public var configs: [String: String]

    /// The replication factor that asks the broker for its `default.replication.factor`
    /// (CreateTopics v4+, Kafka 2.4+; the local Tansu broker accepts it too).
    public static let brokerDefaultReplicationFactor: Int16 = -1

    /// Creates a topic description.
    public init(name: String, partitions: Int32, replicationFactor: Int16 = 1, configs: [String: String] = [:]) {
        self.name = name
        self.partitions = partitions
        self.replicationFactor = replicationFactor
        self.configs = configs
    }
}
