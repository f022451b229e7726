import Kafka

/// A record read from a partition the engine processes (an inbound topic, the
/// identity repartition topic, or the canonical log).
public struct LogRecord: Sendable, Hashable {
    /// The topic.
    public var topic: String
    /// The partition.
    public var partition: Int32
    /// The offset.
    public var offset: Int64
    /// The key, if any.
    public var key: [UInt8]?
    /// The payload.
    public var value: [UInt8]
    /// The record headers.
    public var headers: [KafkaHeader]

    /// Creates a record.
    public init(topic: String, partition: Int32, offset: Int64, key: [UInt8]? = nil, value: [UInt8], headers: [KafkaHeader] = []) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.headers = headers
    }

    init(_ message: KafkaConsumerMessage) {
        self.init(topic: message.topic, partition: message.partition, offset: message.offset, key: message.key?.array, value: message.value.array, headers: message.headers)
    }
}

/// A record a processor wants produced. Outputs of one input are produced in
/// the order returned, before any output of the next input.
public struct OutputRecord: Sendable, Hashable {
    /// The target topic.
    public var topic: String
    /// The key (decides the partition unless `partition` is set).
    public var key: [UInt8]?
    /// The payload.
    public var value: [UInt8]
    /// An explicit target partition (nil: by key hash).
    public var partition: Int32?
    /// Record headers.
    public var headers: [KafkaHeader]

    /// Creates an output record.
    public init(topic: String, key: [UInt8]?, value: [UInt8], partition: Int32? = nil, headers: [KafkaHeader] = []) {
        self.topic = topic
        self.key = key
        self.value = value
        self.partition = partition
        self.headers = headers
    }

    /// Creates an output record with a UTF-8 key.
    public init(topic: String, key: String?, value: [UInt8], partition: Int32? = nil, headers: [KafkaHeader] = []) {
        self.init(topic: topic, key: key.map { Array($0.utf8) }, value: value, partition: partition, headers: headers)
    }

    var producerMessage: KafkaProducerMessage {
        // Kafka timestamps are left to the producer (create time): no output contract
        // depends on them, and decisions carry their event time in the payload.
        KafkaProducerMessage(topic: topic, partition: partition, key: key, value: value, headers: headers)
    }
}

/// FNV-1a, 64 bit: a stable (process-independent) hash for checksums and state
/// fingerprints. Not cryptographic: it detects corruption, not tampering.
public struct StableHash: Sendable, Hashable {
    /// The current hash value.
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    /// A fresh hash.
    public init() {}

    /// Continues from a previous value.
    public init(value: UInt64) { self.value = value }

    /// Mixes bytes into the hash.
    public mutating func combine<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        for byte in bytes {
            value ^= UInt64(byte)
            value = value &* 0x100_0000_01b3
        }
    }

    /// Mixes a 64-bit integer (little endian) into the hash.
    public mutating func combine(_ integer: Int64) {
        var v = UInt64(bitPattern: integer)
        for _ in 0..<8 {
            value ^= v & 0xff
            value = value &* 0x100_0000_01b3
            v >>= 8
        }
    }

    /// The hash of `bytes`.
    public static func of<C: Collection>(_ bytes: C) -> UInt64 where C.Element == UInt8 {
        var hash = StableHash()
        hash.combine(bytes)
        return hash.value
    }

    /// 16 lowercase hex digits.
    public var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
