import Foundation
import LeadLedgerCore

/// Holdout (or any) evaluation of probabilities against labels.
package struct EvaluationReport: Sendable, Equatable {
    /// Number of examples evaluated.
    package let examples: Int
    /// Number of positive examples.
    package let positives: Int
    /// ROC AUC (ties by rank average).
    package let auc: Double
    /// Mean log-loss.
    package let logLoss: Double
    /// Brier score.
    package let brier: Double
    /// Expected calibration error, 10 equal-width bins.
    package let ece: Double
    /// Precision in the top 10 % by probability.
    package let precisionAtTop10: Double

    /// Computes every metric for `probabilities` against `labels`.
    package init(probabilities: [Double], labels: [Double]) throws {
        examples = labels.count
        positives = labels.reduce(0) { $0 + ($1 == 1 ? 1 : 0) }
        auc = try Metrics.rocAUC(scores: probabilities, labels: labels)
        logLoss = try Metrics.logLoss(probabilities: probabilities, labels: labels)
        brier = try Metrics.brier(probabilities: probabilities, labels: labels)
        ece = try Metrics.expectedCalibrationError(probabilities: probabilities, labels: labels)
        precisionAtTop10 = try Metrics.precisionAtTop(percent: 10, scores: probabilities, labels: labels)
    }

    var json: JSONValue {
        .object([
            "examples": .int(examples), "positives": .int(positives), "auc": .number(auc),
            "log_loss": .number(logLoss), "brier": .number(brier), "ece": .number(ece),
            "precision_at_top_10pct": .number(precisionAtTop10),
        ])
    }

    init(json: JSONValue, reader: ArtifactReader, path: String) throws {
        examples = try reader.int(json, "examples", path)
        positives = try reader.int(json, "positives", path)
        auc = try reader.double(json, "auc", path)
        logLoss = try reader.double(json, "log_loss", path)
        brier = try reader.double(json, "brier", path)
        ece = try reader.double(json, "ece", path)
        precisionAtTop10 = try reader.double(json, "precision_at_top_10pct", path)
    }
}
