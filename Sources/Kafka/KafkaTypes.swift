/// A topic partition.
public struct KafkaTopicPartition: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The topic name.
    public var topic: String
    /// The partition number.
    public var partition: Int32

    /// Creates a topic partition.
    public init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.topic, lhs.partition) < (rhs.topic, rhs.partition)
    }

    public var description: String { "\(topic)[\(partition)]" }
}

/// A position in a partition: an absolute offset or one of Kafka's logical offsets.
public enum KafkaOffset: Sendable, Hashable, CustomStringConvertible {
    /// The first offset still in the partition.
    case beginning
    /// The end of the partition: only messages produced from now on.
    case end
    /// The committed offset of the consumer group (falling back to `auto.offset.reset`).
    case stored
    /// An absolute offset.
    case offset(Int64)

    var rawValue: Int64 {
        switch self {
        case .beginning: return -2  // RD_KAFKA_OFFSET_BEGINNING
        case .end: return -1  // RD_KAFKA_OFFSET_END
        case .stored: return -1000  // RD_KAFKA_OFFSET_STORED
        case .offset(let value): return value
        }
    }

    init(rawValue: Int64) {
        switch rawValue {
        case -2: self = .beginning
        case -1: self = .end
        case -1000, -1001: self = .stored
        default: self = .offset(rawValue)
        }
    }

    public var description: String {
        switch self {
        case .beginning: return "beginning"
        case .end: return "end"
        case .stored: return "stored"
        case .offset(let value): return String(value)
        }
    }
}

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

/// A Kafka record header. Keys may repeat; values may be absent (`nil`).
public struct KafkaHeader: Sendable, Hashable {
    /// The header name.
    public var key: String
    /// The header value; `nil` for a header without a value.
    public var value: [UInt8]?

    /// Creates a header with a binary value.
    public init(key: String, value: [UInt8]?) {
        self.key = key
        self.value = value
    }

    /// Creates a header with a UTF-8 string value.
    public init(key: String, value: String) {
        self.key = key
        self.value = Array(value.utf8)
    }
}

/// The message timestamp as the broker reports it.
public enum KafkaTimestamp: Sendable, Hashable {
    /// No timestamp available.
    case none
    /// Set by the producer (milliseconds since the Unix epoch).
    case createTime(Int64)
    /// Set by the broker when it appended the message (milliseconds since the Unix epoch).
    case logAppendTime(Int64)

    /// Milliseconds since the Unix epoch, if there is a timestamp.
    public var milliseconds: Int64? {
        switch self {
        case .none: return nil
        case .createTime(let ms), .logAppendTime(let ms): return ms
        }
    }
}

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

/// Where the broker stored a produced message.
public struct KafkaDeliveryReport: Sendable, Hashable {
    /// The topic.
    public var topic: String
    /// The partition the message was written to.
    public var partition: Int32
    /// The offset the message was written at.
    public var offset: Int64
}

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

/// What a consumer delivers.
public enum KafkaConsumerEvent: Sendable, Hashable {
    /// Messages in offset order per partition (a batch can mix partitions in
    /// batch delivery mode; in per-partition mode it holds one partition only).
    case messages([KafkaConsumerMessage])
    /// The consumer reached the end of the partition: `offset` is the next offset
    /// that will be written. Only when `enablePartitionEOF` is set; raised again each
    /// time the end is reached after new messages.
    case endOfPartition(KafkaTopicPartition, offset: Int64)
    /// The partition stream's reader was woken by `KafkaPartitionStream.wake()`:
    /// something outside the stream (e.g. a failed delivery) needs its attention
    /// although no message arrived. Never raised otherwise.
    case wakeUp(KafkaTopicPartition)
}

/// Low and high watermark of a partition. `high` is the offset the next message
/// will get, so `high - low` messages are present and the lag of a consumer at
/// position `p` is `high - p`.
public struct KafkaWatermarks: Sendable, Hashable {
    /// The first available offset.
    public var low: Int64
    /// The offset the next produced message will get.
    public var high: Int64

    /// Creates watermarks.
    public init(low: Int64, high: Int64) {
        self.low = low
        self.high = high
    }
}

/// A consumer group rebalance, delivered to the handler *before* the consumer
/// changes its assignment.
public enum KafkaRebalanceEvent: Sendable, Hashable {
    /// These partitions are being assigned. Fetching starts when the handler returns.
    case assigned([KafkaTopicPartition])
    /// These partitions are being revoked. They stay assigned (commits for them
    /// succeed) until the handler returns; their remaining buffered messages have
    /// already been dropped and their per-partition streams finished.
    case revoked([KafkaTopicPartition])
    /// These partitions were lost (e.g. the session timed out): another member may
    /// already own them, so commits for them will most likely fail.
    case lost([KafkaTopicPartition])
}

/// Metadata of a topic.
public struct KafkaTopicMetadata: Sendable, Hashable {
    /// The topic name.
    public var name: String
    /// The partitions, sorted by id.
    public var partitions: [KafkaPartitionMetadata]
    /// A topic-level error the broker reported, if any.
    public var error: KafkaError?
}

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
