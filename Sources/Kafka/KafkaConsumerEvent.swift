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
