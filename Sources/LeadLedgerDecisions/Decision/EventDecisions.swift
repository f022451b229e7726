/// What the decider decided for one log event, before encoding: the routing
/// records of its route changes, in decision order, and its one audit record.
/// ``Decider/decide(event:effects:ledger:logPartition:logOffset:state:)``
/// encodes them with the records' codecs.
struct EventDecisions: Sendable {
    var routing: [RoutingRecord]
    var audit: AuditRecord
    /// The event's decisions by tier, indexed by ``Tier/code``.
    var decisionsByTier: SIMD8<UInt16>
    /// How many lead decisions the event made (0 when it decided no lead).
    var decisions: Int
}
