import Foundation
import LeadLedgerCore

/// An explained ensemble decision.
package struct EnsembleDecision: Sendable, Equatable {
    /// Combined margin.
    package let margin: Double
    /// Calibrated probability.
    package let probability: Double
    /// 0–100.
    package let score: Int
    /// Raw output of each component (points, margin or value), component order.
    package let componentOutputs: [Double]
    /// `weight × output` per component, with their names; `bias + Σ = margin`.
    package let componentContributions: [FeatureContribution]
    /// Base of the feature attribution: `featureBase + Σ featureContributions (all features) = margin`.
    package let featureBase: Double
    /// Largest feature contributions by magnitude (at most `topK`), in the combined-margin scale.
    package let topFeatures: [FeatureContribution]
}
