import CRdKafka

/// The partition a producer's partitioner gives a keyed record: librdkafka's own
/// partitioner functions, named as the `partitioner` property names them, so a
/// reader can tell where a record it expects would have been written.
public struct KafkaPartitioner: Sendable, Hashable {
    /// The `partitioner` property values with a key-determined partition.
    public enum Kind: String, Sendable, CaseIterable {
        /// CRC32 of the key (librdkafka's default, with `consistent_random`).
        case consistent
        case consistentRandom = "consistent_random"
        /// Java-compatible murmur2 of the key (the Java client's default).
        case murmur2
        case murmur2Random = "murmur2_random"
        /// FNV-1a of the key.
        case fnv1a
        case fnv1aRandom = "fnv1a_random"
    }

    /// The partitioner.
    public var kind: Kind

    /// librdkafka's default partitioner (`consistent_random`).
    public static let librdkafkaDefault = KafkaPartitioner(kind: .consistentRandom)

    /// Creates a partitioner.
    public init(kind: Kind) { self.kind = kind }

    /// The partitioner a producer with these client properties uses: the
    /// `partitioner` property, librdkafka's default when it is absent, nil when it
    /// names one without a key-determined partition (`random`).
    public init?(properties: [String: String]) {
        guard let name = properties["partitioner"] else {
            self = .librdkafkaDefault
            return
        }
        guard let kind = Kind(rawValue: name) else { return nil }
        self.kind = kind
    }

    /// The partition librdkafka's default partitioner gives a message with a
    /// non-empty `key` among `partitions` (CRC-32 of the key modulo the count),
    /// computed ahead of producing it: a stage that must know where each of its
    /// outputs lands (to name, per partition, the previous record it wrote there)
    /// sets that partition explicitly and so writes exactly where the partitioner
    /// would have.
    /// - Precondition: `partitions > 0`.
    public static func consistent(key: [UInt8], partitions: Int32) -> Int32 {
        precondition(partitions > 0, "partition count must be positive")
        return key.withUnsafeBytes { bytes in
            rd_kafka_msg_partitioner_consistent(nil, bytes.baseAddress, bytes.count, partitions, nil, nil)
        }
    }

    /// The partition of `key` among `count` partitions; nil for an empty key,
    /// which the `_random` partitioners place at random.
    public func partition(of key: [UInt8], count: Int32) -> Int32? {
        guard !key.isEmpty, count > 0 else { return nil }
        return key.withUnsafeBytes { bytes in
            switch kind {
            case .consistent, .consistentRandom:
                rd_kafka_msg_partitioner_consistent(nil, bytes.baseAddress, bytes.count, count, nil, nil)
            case .murmur2, .murmur2Random:
                rd_kafka_msg_partitioner_murmur2(nil, bytes.baseAddress, bytes.count, count, nil, nil)
            case .fnv1a, .fnv1aRandom:
                rd_kafka_msg_partitioner_fnv1a(nil, bytes.baseAddress, bytes.count, count, nil, nil)
            }
        }
    }
}
