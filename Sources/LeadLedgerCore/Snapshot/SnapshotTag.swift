/// Type tags of the snapshot header.
enum SnapshotTag: UInt8 {
    case ledger = 1
    case identityResolver = 2
}
