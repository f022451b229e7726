import Foundation
import LeadLedgerCore

/// Encoded output records of one applied log event, in emission order.
package struct DecisionOutput: Sendable, Equatable {
    /// One Kafka record: key (`lead_id` for routing records, the event's
    /// key for its audit record), the JSON value bytes, and the record's
    /// `decision_id` (also in the value; the engine sends it as a header).
    package struct Record: Sendable, Equatable {
        package var key: String
        package var value: [UInt8]
        package var decisionID: String
        /// The route change a routing record announces (its `change` field); nil
        /// for audit records. For metrics: reading it costs no decoding.
        package var change: RouteChange? = nil
    }
    /// `leadledger.audit` records: exactly one per applied event (audit
    /// schema_version 2), key = the event's Kafka key.
    package var audit: [Record] = []
    /// `leadledger.routing` records: one per route change.
    package var routing: [Record] = []
    /// How many lead decisions the event made (decided or closed leads: the
    /// audit record's primary decision plus its `further_decisions`; 0 when
    /// it decided no lead).
    package var decisions = 0
    /// The event's decisions by tier, indexed by ``Tier/code`` (for
    /// metrics; a fixed-size vector, so counting allocates nothing).
    package var decisionsByTier = SIMD8<UInt16>()
    /// An empty output.
    package init() {}
}
