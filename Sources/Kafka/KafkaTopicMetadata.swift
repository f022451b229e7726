/// Metadata of a topic.
public struct KafkaTopicMetadata: Sendable, Hashable {
    /// The topic name.
    public var name: String
    /// The partitions, sorted by id.
    public var partitions: [KafkaPartitionMetadata]
    /// A topic-level error the broker reported, if any.
    public var error: KafkaError?
}
