import LeadLedgerCore

/// A `leadledger.audit` record (schema_version 2): everything one applied log
/// event decided, as the decider decided it. Its primary decision (the event's
/// own lead when the event decided it, else the first lead decided; none when
/// it decided no lead) carries the full feature vector; every other decision is
/// one of ``further``, in decision order. ``AuditRecordCodec`` encodes it to the
/// contract's bytes; ``AuditRecordView`` reads them back.
struct AuditRecord: Sendable {
    /// One lead decision: the primary one or a further one.
    struct Decision: Sendable {
        var leadID: LeadID
        /// The route after the decision.
        var route: LeadDecision
        /// The route it replaced; nil for the lead's first decision.
        var previous: LeadDecision?
        /// Why the route changed; nil when it did not.
        var change: RouteChange?
        /// The routing record the decision emitted; nil when the route did not change.
        var routingDecisionID: String?
        /// The decision's own state hash.
        var stateHash: UInt64
        var arm: Arm?
        /// The gate's result; nil for a closed route.
        var gate: GateResult?
        /// nil for a closed route.
        var scores: DecisionScores?
        var reasons: DecisionReasons
    }

    /// The primary decision with what only it carries.
    struct Primary: Sendable {
        var decision: Decision
        /// The lead's email addresses (empty in a pseudonymous audit).
        var emails: [String]
        /// Feature values and contributions in the extractor's feature order; nil for a closed route.
        var features: [Double]?
        var contributions: [Double]?
    }

    var decisionID: String
    /// The applied log event's kind (`lead.created`, …).
    var eventKind: String
    /// The primary decision's account; the event's when it decided no lead.
    var accountID: String?
    var eventTime: String
    var lineage: RecordLineage
    /// nil when the event decided no lead.
    var primary: Primary?
    var further: [Decision]
    /// The event's state hash: a chain over its decisions' state hashes (or, without
    /// a decision, a hash of the watermark and the event id).
    var stateHash: UInt64
}
