import Foundation
import LeadLedgerCore
import Yams

/// Gate thresholds (scores 0–100) with hysteresis, disqualifier policy and
/// the review rule.
package struct GateConfiguration: Sendable, Equatable {
    /// A lead enters `sales_ready` when score ≥ `salesReadyEnter`, and leaves it
    /// only when score < `salesReadyExit`.
    package var salesReadyEnter = 70.0, salesReadyExit = 60.0
    /// Same for `sales_develop`.
    package var salesDevelopEnter = 40.0, salesDevelopExit = 30.0
    /// Review: a lead whose company has at least this many employees (or whose
    /// account has an open opportunity) is high-value…
    package var reviewMinEmployees = 1000.0
    /// …and is sent to `review` when its probability is in this band (low confidence).
    package var reviewProbabilityLow = 0.35, reviewProbabilityHigh = 0.65
    /// `disqualify` (tier disqualified), `nurture` (tier capped at nurture) or `ignore`.
    package var unsubscribePolicy = UnsubscribePolicy.disqualify
    package init() {}

    package enum UnsubscribePolicy: String, Sendable, Equatable { case disqualify, nurture, ignore }
}
