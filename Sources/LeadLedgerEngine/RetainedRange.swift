import Kafka

/// What the partitions of an output topic (audit or routing) still hold after
/// retention or a deletion removed their beginning, and so whether a record
/// `audit verify` expects but does not find was removed (expired) or never written
/// (missing).
///
/// Records derived from one log partition reach each topic partition in log order,
/// so in a partition whose beginning is gone, a record whose log offset lies before
/// the earliest one the partition still holds for that log partition was removed
/// with that beginning. The partition a keyed record went to is the producer's
/// partitioner's; without it (no key, or a `random` partitioner) every partition
/// whose beginning is gone is a candidate.
package struct RetainedRange: Sendable {
    /// The partitioner the records were produced with (nil: not key-determined).
    package var partitioner: KafkaPartitioner?
    /// How many partitions the topic has.
    package var partitionCount: Int32
    /// The first offset each partition still holds, for those where it is above 0.
    package private(set) var truncatedFrom: [Int32: Int64] = [:]
    /// For each partition whose beginning is gone, the smallest log offset it still
    /// holds per log partition.
    private var earliestHeld: [Int32: [Int32: Int64]] = [:]

    /// Creates an empty description of a topic with `partitionCount` partitions.
    package init(partitioner: KafkaPartitioner?, partitionCount: Int32) {
        self.partitioner = partitioner
        self.partitionCount = partitionCount
    }

    /// Records that `partition` starts at `offset` (its low watermark).
    package mutating func partition(_ partition: Int32, startsAt offset: Int64) {
        if offset > 0 { truncatedFrom[partition] = offset }
    }

    /// Whether `partition` lost its beginning (then `held` must see its records).
    package func isTruncated(_ partition: Int32) -> Bool { truncatedFrom[partition] != nil }

    /// Records that `partition` still holds a record derived from `logPartition`@`logOffset`.
    package mutating func held(in partition: Int32, logPartition: Int32, logOffset: Int64) {
        guard isTruncated(partition) else { return }
        earliestHeld[partition, default: [:]][logPartition] = min(
            earliestHeld[partition]?[logPartition] ?? .max, logOffset)
    }

    /// Whether a record with `key`, derived from `logPartition`@`logOffset`, that the
    /// topic does not hold, lay in a beginning that is gone.
    package func isExpired(key: [UInt8]?, logPartition: Int32, logOffset: Int64) -> Bool {
        guard !truncatedFrom.isEmpty else { return false }
        let candidates: [Int32]
        if let key, let partitioner, let partition = partitioner.partition(of: key, count: partitionCount) {
            candidates = [partition]
        } else {
            candidates = Array(truncatedFrom.keys)
        }
        return candidates.contains { partition in
            guard isTruncated(partition) else { return false }
            guard let earliest = earliestHeld[partition]?[logPartition] else { return true }
            return logOffset < earliest
        }
    }
}
