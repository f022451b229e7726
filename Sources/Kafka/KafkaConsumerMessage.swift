/// A consumed message.
public struct KafkaConsumerMessage: Sendable, Hashable {
    /// The topic.
    public var topic: String
    /// The partition.
    public var partition: Int32
    /// The message offset.
    public var offset: Int64
    /// The key, if any.
    public var key: KafkaBytes?
    /// The payload (empty for a null payload).
    public var value: KafkaBytes
    /// Record headers in their original order.
    public var headers: [KafkaHeader]
    /// The message timestamp.
    public var timestamp: KafkaTimestamp

    /// Creates a message.
    public init(
        topic: String, partition: Int32, offset: Int64, key: KafkaBytes?, value: KafkaBytes, headers: [KafkaHeader] = [],
        timestamp: KafkaTimestamp = .none
    ) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.headers = headers
        self.timestamp = timestamp
    }

    /// Creates a message from byte arrays (mostly useful in tests of code that consumes messages).
    public init(
        topic: String, partition: Int32, offset: Int64, key: [UInt8]?, value: [UInt8], headers: [KafkaHeader] = [],
        timestamp: KafkaTimestamp = .none
    ) {
        self.init(
            topic: topic, partition: partition, offset: offset, key: key.map { KafkaBytes($0) }, value: KafkaBytes(value), headers: headers,
            timestamp: timestamp)
    }

    /// The topic partition of this message.
    public var topicPartition: KafkaTopicPartition { KafkaTopicPartition(topic: topic, partition: partition) }

    /// The offset to commit once this message has been processed (`offset + 1`).
    public var nextOffset: KafkaTopicPartitionOffset { KafkaTopicPartitionOffset(topicPartition, offset: .offset(offset + 1)) }
}
