import Foundation
import Kafka
import LeadLedgerDecisions

/// Partition counts used when the engine creates missing topics.
package struct PartitionCounts: Sendable, Hashable {
    /// Each inbound topic.
    package var inbound: Int32 = 3
    /// The identity repartition topic. 1: identity state is one ordered partition
    /// (see the resolve design: merges across keys are exact).
    package var identity: Int32 = 1
    /// The canonical log.
    package var events: Int32 = 6
    /// Routing, audit and DLQ topics.
    package var outputs: Int32 = 6

    /// The defaults.
    package init() {}
}
