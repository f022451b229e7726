import Foundation

/// A points model (``RuleModel``) and a logistic regression combined into one
/// calibrated ``Ensemble`` by stacking: the ensemble of `leadledger train
/// --ensemble` and of the X Education bench (`xeducation --ensemble`).
///
/// The weights and the bias are learned by an L2 logistic regression (C = 1) on
/// the two component outputs of the TRAINING rows: the points model's score and
/// the regression's OUT-OF-FOLD margin (the training rows are dealt into
/// `folds` seeded stratified folds, ``HoldoutSplit/folds(labels:k:seed:)``; each
/// fold's margins come from a regression refitted, with the same options, on the
/// other folds), converted back to raw weights (`w_c = coef_c / sd_c`,
/// `bias = intercept − Σ coef_c·mean_c / sd_c`). The Platt calibration is fitted
/// on the same out-of-fold ensemble margins. A regression's margin on the rows
/// it was trained on is better than on new leads (most of all on a small log
/// with many features), so in-sample stacking would lean on it and calibrate
/// over-confidently. The ensemble itself combines the points model with the
/// regression trained on ALL training rows (`propensity`). Figures are on the
/// held-out rows.
package enum StackedEnsemble {
    /// The stacked ensemble and its held-out figures.
    package struct Report: Sendable {
        /// The points model's YAML (write it next to the ensemble artifact).
        package var rulesYAML: String
        package var rules: RuleModel
        /// The calibrated ensemble (its ``Ensemble/artifactData()`` is `ensemble.json`),
        /// components `fit` (the points model) and `propensity` (the regression).
        package var ensemble: Ensemble
        /// Held-out AUC of the points model alone.
        package var rulesAUC: Double
        /// Held-out precision among the top 20 % by the points model's score alone.
        package var rulesPrecisionAtTop20: Double
        /// Held-out metrics of the ensemble.
        package var auc: Double
        package var precisionAtTop20: Double
        package var ece: Double
    }

    /// Stacks `rules` (loaded from `rulesYAML` over the schema of `train`) and
    /// `propensity` (trained on `train`); `refit` trains a regression the way
    /// `propensity` was trained (same options) on a subset of the training rows, for
    /// the out-of-fold margins; `range` names the training rows in the stacking
    /// regression's training information.
    /// - Throws: `insufficientData` when a class has fewer than 2 training rows
    ///   (no two folds could both hold it), and `refit`'s errors.
    package static func fit(
        rules: RuleModel, rulesYAML: String, propensity: LogisticRegression,
        refit: (Dataset) throws -> LogisticRegression, folds: Int = 5, seed: UInt64 = 0,
        train: Dataset, holdout: Dataset,
        topK: Int, treeExplanation: TreeExplanationMethod, range: String
    ) throws -> Report {
        let schema = train.schema
        let labels = train.labels.map { $0 >= 0.5 }
        let minority = min(labels.lazy.filter { $0 }.count, labels.lazy.filter { !$0 }.count)
        let k = min(folds, minority)
        guard k >= 2 else {
            throw DecisionsError(
                .insufficientData,
                "stacking needs at least 2 training rows of each class for out-of-fold margins, the smaller class has \(minority)")
        }
        // Out-of-fold margins of the regression on the training rows.
        let fold = HoldoutSplit.folds(labels: labels, k: k, seed: seed)
        var outOfFold = [Double](repeating: 0, count: train.count)
        for f in 0..<k {
            let model = try refit(try train.rows(where: { fold[$0] != f }))
            let inFold = (0..<train.count).filter { fold[$0] == f }
            for (i, m) in zip(inFold, model.margins(try train.rows(where: { fold[$0] == f }))) { outOfFold[i] = m }
        }
        let points = train.mapRows(rules.score)
        let stackSchema = try FeatureSchema(["fit", "propensity"])
        let stack = try LogisticRegression.train(
            try Dataset(schema: stackSchema, rows: zip(points, outOfFold).flatMap { [$0, $1] }, labels: train.labels),
            options: .init(c: 1), range: range + ", out-of-fold regression margins (\(k) folds, seed \(seed))")
        let weights = (0..<2).map { stack.coefficients[$0] / stack.scales[$0] }
        let bias = stack.intercept - (0..<2).reduce(0.0) { $0 + stack.coefficients[$1] * stack.means[$1] / stack.scales[$1] }
        // Platt on the out-of-fold ensemble margins (the ensemble's margin is bias + Σ weight · component output).
        let margins = (0..<train.count).map { bias + weights[0] * points[$0] + weights[1] * outOfFold[$0] }
        let ensemble = try Ensemble(
            schema: schema,
            components: [
                EnsembleComponent(name: "fit", model: .rules(rules), weight: weights[0], modelVersion: rules.version.sha256),
                EnsembleComponent(
                    name: "propensity", model: .logistic(propensity), weight: weights[1], modelVersion: try propensity.version().sha256),
            ], bias: bias, topK: topK, treeExplanation: treeExplanation
        )
        .withCalibration(try Calibrator.fitPlatt(scores: margins, labels: train.labels))
        let probabilities = holdout.mapRows(ensemble.probability)
        let ruleScores = holdout.mapRows(rules.score)
        let figures = try HoldoutFigures(probabilities: probabilities, labels: holdout.labels)
        return Report(
            rulesYAML: rulesYAML, rules: rules, ensemble: ensemble,
            rulesAUC: try Metrics.rocAUC(scores: ruleScores, labels: holdout.labels),
            rulesPrecisionAtTop20: try Metrics.precisionAtTop(percent: 20, scores: ruleScores, labels: holdout.labels),
            auc: figures.auc, precisionAtTop20: figures.precisionAtTop20, ece: figures.ece)
    }
}
