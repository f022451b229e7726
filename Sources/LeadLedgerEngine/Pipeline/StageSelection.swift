import Kafka
import LeadLedgerDecisions
import Logging
import Metrics
import ServiceLifecycle

/// Which stages a process runs.
package enum StageSelection: String, Sendable, CaseIterable {
    /// Route (inbound → repartition/DLQ) and identity (repartition → canonical log).
    case resolve
    /// Canonical log → projections → audit (and routing).
    case materialize
    /// Both (the default): one process runs the whole topology.
    case all
}
