import LeadLedgerCore

/// Held-out figures of a probabilistic model: ROC AUC, precision among the top
/// 20 % by score, expected calibration error (10 bins).
package struct HoldoutFigures: Sendable, Equatable {
    package var auc: Double
    package var precisionAtTop20: Double
    package var ece: Double

    /// Figures measured elsewhere.
    package init(auc: Double, precisionAtTop20: Double, ece: Double) {
        self.auc = auc
        self.precisionAtTop20 = precisionAtTop20
        self.ece = ece
    }

    /// Computes the figures of `probabilities` against `labels` (1 = positive).
    /// - Throws: `invalidInput` when the labels lack a class or the counts differ.
    package init(probabilities: [Double], labels: [Double]) throws {
        auc = try Metrics.rocAUC(scores: probabilities, labels: labels)
        precisionAtTop20 = try Metrics.precisionAtTop(percent: 20, scores: probabilities, labels: labels)
        ece = try Metrics.expectedCalibrationError(probabilities: probabilities, labels: labels)
    }
}
