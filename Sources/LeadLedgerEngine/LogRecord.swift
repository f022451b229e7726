import Kafka

/// A record read from a partition the engine processes (an inbound topic, the
/// identity repartition topic, or the canonical log).
package struct LogRecord: Sendable, Hashable {
    /// The topic.
    package var topic: String
    /// The partition.
    package var partition: Int32
    /// The offset.
    package var offset: Int64
    /// The key, if any.
    package var key: [UInt8]?
    /// The payload.
    package var value: [UInt8]
    /// The record headers.
    package var headers: [KafkaHeader]
    /// The record's Kafka timestamp (ms since the epoch), when read from a topic.
    package var timestampMilliseconds: Int64?

    /// Creates a record.
    package init(topic: String, partition: Int32, offset: Int64, key: [UInt8]? = nil, value: [UInt8], headers: [KafkaHeader] = []) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.headers = headers
    }

    init(_ message: KafkaConsumerMessage) {
        self.init(
            topic: message.topic, partition: message.partition, offset: message.offset, key: message.key?.array, value: message.value.array,
            headers: message.headers)
        timestampMilliseconds = message.timestamp.milliseconds
    }
}
