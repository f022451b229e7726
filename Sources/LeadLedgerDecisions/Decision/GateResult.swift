import Foundation
import LeadLedgerCore

/// The gate's verdict.
package struct GateResult: Sendable, Equatable {
    /// Final tier (before overrides).
    package var tier: Tier
    /// Tier from the thresholds with hysteresis alone (the new hysteresis state).
    package var scoreTier: Tier
    package var disqualifier: Disqualifier?
    /// The lead was sent to review (low confidence, high value).
    package var review: Bool
}
