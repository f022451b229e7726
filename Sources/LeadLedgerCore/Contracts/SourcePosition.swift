/// Where a message came from: topic, partition, offset. Lineage for every output.
package struct SourcePosition: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Kafka topic name.
    package var topic: String
    /// Partition number.
    package var partition: Int32
    /// Offset within the partition.
    package var offset: Int64

    /// Creates a position.
    package init(topic: String, partition: Int32, offset: Int64) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
    }

    /// Orders by topic, partition, offset.
    package static func < (a: SourcePosition, b: SourcePosition) -> Bool {
        if a.topic != b.topic { return a.topic.utf8.lexicographicallyPrecedes(b.topic.utf8) }
        if a.partition != b.partition { return a.partition < b.partition }
        return a.offset < b.offset
    }

    /// `topic/partition@offset`.
    package var description: String { "\(topic)/\(partition)@\(offset)" }
}
