import Kafka
import LeadLedgerCore
import LeadLedgerDecisions
import Metrics

/// The metric handles of one stage that do not depend on a partition. Handles are
/// created once (a stage, a partition, a topic, a code), so recording is an
/// atomic add, never a lookup by name.
package struct StageMetrics: Sendable {
    /// The stage's name (`validate`, `identity`, `materialize`).
    package let stage: String
    /// From an input's Kafka timestamp to each of its outputs' acknowledgement.
    package let eventToOutput: Timer
    /// How long a snapshot took to write.
    package let snapshotDuration: Timer

    package init(stage: String) {
        self.stage = stage
        eventToOutput = Timer(label: MetricNames.eventToOutput, dimensions: [("stage", stage)])
        snapshotDuration = Timer(label: MetricNames.snapshotDuration, dimensions: [("stage", stage)])
    }

    /// The handles of one partition's worker.
    package func partition(_ topicPartition: KafkaTopicPartition) -> PartitionMetrics {
        PartitionMetrics(stage: self, topicPartition: topicPartition)
    }
}
