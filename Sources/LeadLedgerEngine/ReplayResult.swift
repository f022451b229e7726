import Foundation
import Kafka
import LeadLedgerDecisions
import Logging

/// The outcome of a replay.
package struct ReplayResult: Sendable {
    /// The offset of the snapshot the replay started from (nil: from offset 0).
    package var restoredFrom: Int64?
    /// Records applied without emitting to reach the start offset.
    package var warmup: Int
    /// Records re-derived in the requested range.
    package var derived: Int
    /// The offset after the last applied record.
    package var end: Int64
    /// The state after the last applied record (nil: the processor has no state encoding).
    package var state: [UInt8]?
}
