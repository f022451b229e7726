import Foundation
import LeadLedgerCore

/// Scoring buffers reused across decisions; ignored by `==` and snapshots.
struct Scratch: Sendable, Equatable {
    var configuration: String?
    var scorer: EnsembleScorer?
    /// The feature extractor's classifications (by domain, and by interned string of the ledger read).
    var memo = ExtractionMemo()
    /// The record writer's buffer, kept between events (taken by each event's ``RecordWriter``).
    var writerBuffer: RecordJSON.Buffer?
    /// The feature row's buffer, kept between decisions.
    var row: [Double] = []
    static func == (a: Scratch, b: Scratch) -> Bool { true }
}
