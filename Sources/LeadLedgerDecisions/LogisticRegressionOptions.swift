import Foundation
import LeadLedgerCore

/// Training settings for ``LogisticRegression``.
package struct LogisticRegressionOptions: Sendable, Equatable {
    /// Inverse L2 strength, as scikit-learn's `C`: the objective is
    /// `Σ logloss + ‖w‖² / (2C)` over standardized features; the intercept is not penalized.
    package var c: Double = 1.0
    /// Newton iterations at most.
    package var maxIterations: Int = 100
    /// Stop when every Newton step component is below this.
    package var tolerance: Double = 1e-10
    /// A feature whose present values differ from their most common value in fewer
    /// than this many training rows is treated as constant: it is not standardized
    /// (scale 1) and gets coefficient 0, so it contributes nothing to any score.
    /// Without this, a feature that varied in one or two training rows gets a
    /// standard deviation near 0, and a live value a little off the training mean
    /// becomes a standardized value in the thousands (a "contribution" of +5000).
    /// The default (1) only treats never-varying features as constant.
    package var minimumSupport: Int = 1
    /// Whether the model clips every input to the range its training data covered
    /// before standardizing (stored in the artifact as `standardization.ranges`).
    /// A linear model extrapolates without bound: a feature that spanned seconds in
    /// the training data and days in production would otherwise dominate every
    /// score. Off by default (predictions then equal scikit-learn's on any input).
    package var clipToTrainingRange: Bool = false
    /// Sign bounds per feature (schema order), or nil for none: a `positive`
    /// feature's coefficient is kept ≥ 0, a `negative` one's ≤ 0, a `free` one is
    /// unbounded. The fit is a projected Newton method (bounded coefficients at
    /// their bound whose gradient points outward are held there; the step is
    /// projected back onto the bounds), so the result is the constrained optimum,
    /// not an unconstrained fit clipped afterwards.
    package var signs: [FeatureDirection]?

    /// Creates options; see the properties.
    package init(
        c: Double = 1.0, maxIterations: Int = 100, tolerance: Double = 1e-10, minimumSupport: Int = 1,
        clipToTrainingRange: Bool = false, signs: [FeatureDirection]? = nil
    ) {
        self.c = c
        self.maxIterations = maxIterations
        self.tolerance = tolerance
        self.minimumSupport = minimumSupport
        self.clipToTrainingRange = clipToTrainingRange
        self.signs = signs
    }
}
