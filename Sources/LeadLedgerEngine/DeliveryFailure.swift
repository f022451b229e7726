import Kafka

/// The broker reported an output of a partition as failed for good (after
/// librdkafka's retries). The stage does not fail for it: the partition is
/// restarted from its committed offset (`StageCoordinator`).
struct DeliveryFailure: Error, CustomStringConvertible {
    /// The input partition whose output failed.
    var partition: KafkaTopicPartition
    /// The first failure the partition's tracker recorded.
    var error: KafkaError

    var description: String { "\(partition): an output was not delivered: \(error)" }
}
