import Foundation
import LeadLedgerCore

/// The last decision made for one lead (part of ``DecisionState``).
package struct LeadDecision: Sendable, Equatable {
    /// Id of the decision that set the current route (`dc_…`): the routing
    /// record's id when a route change set it, else (a lead decided but never
    /// routed, or closed before it was) the audit record id of the event
    /// that decided it. Audit records name it as `previous_decision.decision_id`.
    package var decisionID: DecisionID
    /// Tier of the route (after disqualifiers, review and overrides).
    package var tier: Tier
    /// Tier from the score thresholds alone: the hysteresis state.
    package var scoreTier: Tier
    package var queue: String
    package var ownerID: String?
    /// Whether ``ownerID`` counts against the owner's capacity (assigned by round-robin or account owner).
    package var holdsCapacity: Bool
    package var score: Int
    /// The route is pinned by a manual override.
    package var overridden: Bool
    /// The sales_ready route was escalated by its SLA timer.
    package var escalated: Bool
    /// The route is closed (lead merged away or erased).
    package var closed: Bool
    /// SLA deadline (event-time ms) of the current sales_ready route; nil when none is running.
    package var slaDeadline: Int64?
}

extension LeadDecision {
    /// The four booleans as the bits snapshots store: holds capacity 1,
    /// overridden 2, escalated 4, closed 8.
    var flags: UInt8 { (holdsCapacity ? 1 : 0) | (overridden ? 2 : 0) | (escalated ? 4 : 0) | (closed ? 8 : 0) }

    /// A decision read from a snapshot, its booleans given as ``flags``.
    init(
        decisionID: DecisionID, tier: Tier, scoreTier: Tier, queue: String, ownerID: String?, flags: UInt8, score: Int,
        slaDeadline: Int64?
    ) {
        self.init(
            decisionID: decisionID, tier: tier, scoreTier: scoreTier, queue: queue, ownerID: ownerID, holdsCapacity: flags & 1 != 0,
            score: score, overridden: flags & 2 != 0, escalated: flags & 4 != 0, closed: flags & 8 != 0, slaDeadline: slaDeadline)
    }
}
