import Foundation
import LeadLedgerCore

/// Evaluation metrics for binary scores. Every function sums in a fixed order
/// (input order, or the documented sorted order) so results are reproducible bit for bit.
package enum Metrics {
    static func check(_ scores: [Double], _ labels: [Double]) throws {
        guard scores.count == labels.count else {
            throw DecisionsError(.invalidInput, "\(scores.count) scores but \(labels.count) labels")
        }
        guard !scores.isEmpty else { throw DecisionsError(.invalidInput, "no examples") }
        for (i, y) in labels.enumerated() where y != 0 && y != 1 {
            throw DecisionsError(.invalidInput, "label \(i) is \(y); labels must be 0 or 1")
        }
        for (i, s) in scores.enumerated() where !s.isFinite {
            throw DecisionsError(.invalidInput, "score \(i) is not finite (\(s))")
        }
    }

    /// Area under the ROC curve (Mann–Whitney U statistic). Tied scores get the
    /// average of the ranks they span, which equals the trapezoidal ROC AUC that
    /// scikit-learn's `roc_auc_score` computes. Throws when only one class is present.
    package static func rocAUC(scores: [Double], labels: [Double]) throws -> Double {
        try check(scores, labels)
        let order = scores.indices.sorted { scores[$0] < scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
        var positives = 0.0
        var rankSum = 0.0
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
            let averageRank = Double(i + j + 2) / 2  // ranks are 1-based
            for k in i...j where labels[order[k]] == 1 {
                rankSum += averageRank
                positives += 1
            }
            i = j + 1
        }
        let negatives = Double(scores.count) - positives
        guard positives > 0 && negatives > 0 else {
            throw DecisionsError(.invalidInput, "ROC AUC needs both classes (positives: \(Int(positives)), negatives: \(Int(negatives)))")
        }
        return (rankSum - positives * (positives + 1) / 2) / (positives * negatives)
    }

    /// Precision among the top `percent` % of examples by score: the first
    /// `ceil(n * percent / 100)` (at least 1) examples in descending score order,
    /// ties broken by lower index first.
    package static func precisionAtTop(percent: Double, scores: [Double], labels: [Double]) throws -> Double {
        try check(scores, labels)
        guard percent > 0 && percent <= 100 else { throw DecisionsError(.invalidInput, "percent must be in (0, 100], got \(percent)") }
        let k = max(1, Int((Double(scores.count) * percent / 100).rounded(.up)))
        let order = scores.indices.sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
        var hits = 0
        for idx in order.prefix(k) where labels[idx] == 1 { hits += 1 }
        return Double(hits) / Double(k)
    }

    /// Expected calibration error with 10 equal-width bins on [0, 1]: bin
    /// `b = min(floor(p * 10), 9)`; ECE = Σ_b (n_b / n) · |mean(p in b) − mean(y in b)|,
    /// bins summed in ascending order. Probabilities must lie in [0, 1].
    package static func expectedCalibrationError(probabilities: [Double], labels: [Double], bins: Int = 10) throws -> Double {
        try check(probabilities, labels)
        guard bins > 0 else { throw DecisionsError(.invalidInput, "bins must be positive") }
        var count = [Double](repeating: 0, count: bins)
        var sumP = count
        var sumY = count
        for (p, y) in zip(probabilities, labels) {
            guard p >= 0 && p <= 1 else { throw DecisionsError(.invalidInput, "probability \(p) outside [0, 1]") }
            let b = min(Int(p * Double(bins)), bins - 1)
            count[b] += 1
            sumP[b] += p
            sumY[b] += y
        }
        let n = Double(probabilities.count)
        var ece = 0.0
        for b in 0..<bins where count[b] > 0 { ece += count[b] / n * abs(sumP[b] / count[b] - sumY[b] / count[b]) }
        return ece
    }

    /// Mean binary cross-entropy, probabilities clipped to [1e-15, 1 − 1e-15].
    package static func logLoss(probabilities: [Double], labels: [Double]) throws -> Double {
        try check(probabilities, labels)
        var total = 0.0
        for (p, y) in zip(probabilities, labels) {
            let q = min(max(p, 1e-15), 1 - 1e-15)
            total -= y == 1 ? Foundation.log(q) : Foundation.log(1 - q)
        }
        return total / Double(probabilities.count)
    }

    /// Mean squared difference between probability and label.
    package static func brier(probabilities: [Double], labels: [Double]) throws -> Double {
        try check(probabilities, labels)
        var total = 0.0
        for (p, y) in zip(probabilities, labels) { total += (p - y) * (p - y) }
        return total / Double(probabilities.count)
    }
}
