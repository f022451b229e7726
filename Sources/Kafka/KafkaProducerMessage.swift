/// A message to produce.
public struct KafkaProducerMessage: Sendable, Hashable {
    /// The target topic.
    public var topic: String
    /// The target partition; `nil` lets the partitioner choose (by key hash when keyed).
    public var partition: Int32?
    /// The key (decides the partition when `partition` is nil).
    public var key: [UInt8]?
    /// The payload.
    public var value: [UInt8]
    /// Record headers.
    public var headers: [KafkaHeader]
    /// The create timestamp in milliseconds since the Unix epoch; `nil` means "now".
    public var timestampMilliseconds: Int64?

    /// Creates a message.
    public init(
        topic: String,
        partition: Int32? = nil,
        key: [UInt8]? = nil,
        value: [UInt8],
        headers: [KafkaHeader] = [],
        timestampMilliseconds: Int64? = nil
    ) {
        self.topic = topic
        self.partition = partition
        self.key = key
        self.value = value
        self.headers = headers
        self.timestampMilliseconds = timestampMilliseconds
    }

    /// Creates a message with a UTF-8 key and value.
    public init(topic: String, partition: Int32? = nil, key: String?, value: String, headers: [KafkaHeader] = []) {
        self.init(topic: topic, partition: partition, key: key.map { Array($0.utf8) }, value: Array(value.utf8), headers: headers)
    }
}
