import Foundation
import Kafka
import LeadLedgerDecisions
import Logging

/// Header names the engine relies on in outputs.
package enum OutputHeaders {
    /// The deterministic decision id of a routing or audit record (`LeadLedgerDecisions.DecisionID`, `dc_…`):
    /// of the event for an audit record (one per applied log event), of the route change for a routing record.
    /// `audit verify` matches re-derived records to the audit topic by it.
    package static let decisionID = "decision_id"
}
