import LeadLedgerCore

/// The checks a trained model must pass before `leadledger train --out` writes it,
/// so that learning cannot make decisions worse silently:
///
/// 1. **holdout**: on the candidate's held-out split, the candidate beats the active
///    configuration: its AUC is higher by more than ``Thresholds/minimumAUCGain``, and
///    its ECE is not worse than the active one's by more than ``Thresholds/eceMargin``.
///    Both are scored by their whole propensity model (components, stacking and
///    calibration), on the same rows.
/// 2. **scenarios**: every ``B2BScenario`` passes with the candidate.
/// 3. **monotonicity**: the ``MonotonicityCheck`` sample finds no violation.
package enum ModelAcceptance {
    /// The margins of the holdout comparison.
    package struct Thresholds: Sendable, Equatable {
        /// The candidate's AUC must exceed the active one's by more than this (0: strictly higher).
        package var minimumAUCGain: Double = 0
        /// The candidate's ECE may exceed the active one's by at most this.
        package var eceMargin: Double = 0.02

        package init(minimumAUCGain: Double = 0, eceMargin: Double = 0.02) {
            self.minimumAUCGain = minimumAUCGain
            self.eceMargin = eceMargin
        }
    }

    /// One check's verdict, with a line that says what was measured.
    package struct Check: Sendable, Equatable {
        package var name: String
        package var passed: Bool
        /// What was measured, and for a failed check why it failed.
        package var detail: [String]
    }

    /// The candidate and active figures on the same held-out rows.
    package struct Comparison: Sendable, Equatable {
        package var candidate: HoldoutFigures
        package var active: HoldoutFigures
    }

    /// Scores `configuration`'s propensity model on every row of `holdout`.
    /// - Throws: `schemaMismatch` when the configuration's features are not the data set's.
    package static func probabilities(_ configuration: DecisionConfiguration, on holdout: Dataset) throws -> [Double] {
        let names = configuration.extractor.schema.names
        guard names == holdout.schema.names else {
            throw DecisionsError(
                .schemaMismatch,
                "the configuration has \(names.count) features, the held-out rows \(holdout.schema.count): they are not the same feature list"
            )
        }
        let width = names.count
        return holdout.rows.withUnsafeBufferPointer { rows in
            stride(from: 0, to: rows.count, by: width).map { start in
                configuration.ensemble.probability(UnsafeBufferPointer(rebasing: rows[start..<start + width]))
            }
        }
    }

    /// Compares the candidate with the active configuration on `holdout`.
    package static func compare(candidate: DecisionConfiguration, active: DecisionConfiguration, on holdout: Dataset) throws
        -> Comparison
    {
        Comparison(
            candidate: try HoldoutFigures(probabilities: probabilities(candidate, on: holdout), labels: holdout.labels),
            active: try HoldoutFigures(probabilities: probabilities(active, on: holdout), labels: holdout.labels))
    }

    /// The holdout check of a comparison.
    package static func holdoutCheck(_ c: Comparison, thresholds: Thresholds) -> Check {
        let gain = c.candidate.auc - c.active.auc
        var detail = [
            "candidate AUC \(format(c.candidate.auc)), ECE \(format(c.candidate.ece)); active AUC \(format(c.active.auc)), ECE \(format(c.active.ece)) on the same held-out rows"
        ]
        var passed = true
        if !(gain > thresholds.minimumAUCGain) {
            passed = false
            detail.append(
                "the candidate's AUC is not higher than the active model's by more than \(format(thresholds.minimumAUCGain)) (difference \(format(gain)))"
            )
        }
        if c.candidate.ece > c.active.ece + thresholds.eceMargin {
            passed = false
            detail.append(
                "the candidate's ECE is worse than the active model's by more than \(format(thresholds.eceMargin)) (\(format(c.candidate.ece)) vs \(format(c.active.ece)))"
            )
        }
        return Check(name: "holdout", passed: passed, detail: detail)
    }

    /// The scenario check: every scenario of the suite on `candidate`.
    package static func scenarioCheck(_ candidate: DecisionConfiguration) -> Check {
        let outcomes = B2BScenario.runAll(candidate)
        let failed = outcomes.filter { !$0.passed }
        return Check(
            name: "scenarios", passed: failed.isEmpty,
            detail: ["\(outcomes.count - failed.count) of \(outcomes.count) B2B scenarios pass"] + failed.flatMap(\.failures))
    }

    /// The monotonicity check on `candidate`.
    package static func monotonicityCheck(_ candidate: DecisionConfiguration, check: MonotonicityCheck = MonotonicityCheck()) throws
        -> Check
    {
        let report = try check.run(candidate)
        return Check(
            name: "monotonicity", passed: report.passed,
            detail: [
                "\(check.samples) sampled events: \(report.positive) positive and \(report.negative) negative checked, \(report.violationCount) violations"
            ] + report.violations)
    }

    /// Every check, in order.
    package static func evaluate(
        candidate: DecisionConfiguration, active: DecisionConfiguration, holdout: Dataset, thresholds: Thresholds = Thresholds()
    ) throws -> [Check] {
        [
            holdoutCheck(try compare(candidate: candidate, active: active, on: holdout), thresholds: thresholds),
            scenarioCheck(candidate),
            try monotonicityCheck(candidate),
        ]
    }

    /// A figure as the checks print it: rounded to 4 decimals.
    package static func format(_ x: Double) -> String {
        let scaled = (x * 10_000).rounded() / 10_000
        return "\(scaled)"
    }
}
