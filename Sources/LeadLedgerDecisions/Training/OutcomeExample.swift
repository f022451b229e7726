import Foundation
import LeadLedgerCore

/// One training example taken from the canonical log: a lead's feature row at
/// the moment its outcome arrived, and the label.
package struct OutcomeExample: Sendable, Equatable {
    /// Where the label comes from.
    package enum Source: Sendable, Equatable {
        /// A `lead.converted` (label 1) or `lead.disqualified` (label 0) event.
        case outcome(OutcomeKind)
        /// No outcome, and no activity for at least `negativeAfterDays` before the end of the log (label 0).
        case noOutcome
    }

    /// The lead (the survivor of its merges at the time of the example).
    package var lead: LeadID
    /// The label: converted (1) or not (0).
    package var converted: Bool
    package var source: Source
    /// The event time the features were taken at (the outcome's; for `.noOutcome` the log's last event time).
    package var eventTime: EventTime
    /// The log position of the outcome (for `.noOutcome`: the partition's end offset).
    package var logPartition: Int32
    package var logOffset: Int64
    /// The feature row, in the scoring configuration's schema order.
    package var row: [Double]
}
