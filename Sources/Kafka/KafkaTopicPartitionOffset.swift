/// A topic partition with an offset: a start position, a commit, or a committed offset.
///
/// For commits the offset is, as everywhere in Kafka, the offset of the *next*
/// message to consume: after processing the message at offset `o`, commit `o + 1`.
public struct KafkaTopicPartitionOffset: Sendable, Hashable, CustomStringConvertible {
    /// The topic partition.
    public var topicPartition: KafkaTopicPartition
    /// The offset.
    public var offset: KafkaOffset

    /// Creates a topic partition offset.
    public init(topic: String, partition: Int32, offset: KafkaOffset) {
        self.topicPartition = KafkaTopicPartition(topic: topic, partition: partition)
        self.offset = offset
    }

    /// Creates a topic partition offset.
    public init(_ topicPartition: KafkaTopicPartition, offset: KafkaOffset) {
        self.topicPartition = topicPartition
        self.offset = offset
    }

    public var description: String { "\(topicPartition)@\(offset)" }
}
