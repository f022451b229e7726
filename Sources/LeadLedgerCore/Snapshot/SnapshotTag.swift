/// Type tags of the snapshot header.
package enum SnapshotTag: UInt8 {
    case ledger = 1
    case identityResolver = 2
    /// The decision state of one log partition (LeadLedgerDecisions' `DecisionState`).
    case decisionState = 3
}
