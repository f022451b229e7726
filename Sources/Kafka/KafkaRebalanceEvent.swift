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
