/// Type tags of the snapshot header.
package enum SnapshotTag: UInt8 {
    case ledger = 1
    case identityResolver = 2
    /// The decision state of one log partition (LeadLedgerDecisions' `DecisionState`).
    case decisionState = 3
    /// The identity stage's processor: source coverage, log trail and the resolver's snapshot.
    case identityProcessor = 4
    /// The materialize stage's processor of one log partition: configuration,
    /// model activation, and the ledger's and decision state's snapshots.
    case materializeProcessor = 5
}
