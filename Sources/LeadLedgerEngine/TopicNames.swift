import Foundation
import Kafka
import LeadLedgerDecisions

/// Topic names (SPEC §1). Defaults are the contracted names.
package struct TopicNames: Sendable, Hashable {
    /// CRM change events (inbound).
    package var crm = "crm.events"
    /// Segment web events (inbound).
    package var web = "web.events"
    /// SendGrid email events (inbound).
    package var email = "email.events"
    /// The internal identity repartition topic (resolve stage).
    package var identity = "leadledger.identity.repartition"
    /// The canonical event log (the system of record).
    package var events = "leadledger.events"
    /// Routing decisions.
    package var routing = "leadledger.routing"
    /// Audit records.
    package var audit = "leadledger.audit"
    /// Rejected input.
    package var dlq = "leadledger.dlq"
    /// Operator actions (inbound, validated; copied to every log partition): model promotion, shadow, rollback.
    package var control = "leadledger.control"
    /// The model registry (compacted): manifests and artifact chunks keyed by model version.
    package var models = "leadledger.models"

    /// The defaults.
    package init() {}

    /// The inbound topics.
    package var inbound: [String] { [crm, web, email] }
}
