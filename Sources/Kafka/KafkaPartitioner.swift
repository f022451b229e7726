import CRdKafka

/// The partition librdkafka's default partitioner (`consistent_random`) gives a
/// keyed message, computed ahead of producing it: a stage that must know where
/// each of its outputs lands (to name, per partition, the previous record it
/// wrote there) sets that partition explicitly and so writes exactly where the
/// partitioner would have.
public enum KafkaPartitioner {
    /// The partition of a message with a non-empty `key` among `partitions`
    /// (CRC-32 of the key modulo the count, librdkafka's own function).
    /// - Precondition: `partitions > 0`.
    public static func consistent(key: [UInt8], partitions: Int32) -> Int32 {
        precondition(partitions > 0, "partition count must be positive")
        return key.withUnsafeBytes { bytes in
            rd_kafka_msg_partitioner_consistent(nil, bytes.baseAddress, bytes.count, partitions, nil, nil)
        }
    }
}
