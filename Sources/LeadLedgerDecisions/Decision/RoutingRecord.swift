import LeadLedgerCore

/// A `leadledger.routing` record (schema_version 1 or 2): one route change of one
/// lead, as the decider decided it. ``RoutingRecordCodec`` encodes it to the
/// contract's bytes; ``RoutingRecordView`` reads them back.
struct RoutingRecord: Sendable {
    var decisionID: String
    var leadID: LeadID
    var accountID: String?
    /// The lead's holdout arm; nil when the rule set has no holdout experiment.
    var arm: Arm?
    var change: RouteChange
    var emails: [String]
    /// RFC 3339, as every record of the event writes it.
    var eventTime: String
    var lineage: RecordLineage
    /// The new route: tier, queue, owner and score.
    var route: LeadDecision
    /// nil for a closed route (merged away or erased): written as zeros, with probability = score / 100.
    var scores: DecisionScores?
    var reasons: DecisionReasons
}
