import Foundation

/// A points model (``RuleModel``) and a logistic regression combined into one
/// calibrated ``Ensemble`` by stacking: the ensemble of `leadledger train
/// --ensemble` and of the X Education bench (`xeducation --ensemble`).
///
/// The weights and the bias are learned by an L2 logistic regression (C = 1) on
/// the two component outputs (the points model's score, the regression's
/// margin) of the TRAINING rows, converted back to raw weights
/// (`w_c = coef_c / sd_c`, `bias = intercept − Σ coef_c·mean_c / sd_c`); the
/// ensemble is then Platt-calibrated on the training rows. Figures are on the
/// held-out rows.
public enum StackedEnsemble {
    /// The stacked ensemble and its held-out figures.
    public struct Report: Sendable {
        /// The points model's YAML (write it next to the ensemble artifact).
        public var rulesYAML: String
        public var rules: RuleModel
        /// The calibrated ensemble (its ``Ensemble/artifactData()`` is `ensemble.json`),
        /// components `fit` (the points model) and `propensity` (the regression).
        public var ensemble: Ensemble
        /// Held-out AUC of the points model alone.
        public var rulesAUC: Double
        /// Held-out precision among the top 20 % by the points model's score alone.
        public var rulesPrecisionAtTop20: Double
        /// Held-out metrics of the ensemble.
        public var auc: Double
        public var precisionAtTop20: Double
        public var ece: Double
    }

    /// Stacks `rules` (loaded from `rulesYAML` over the schema of `train`) and
    /// `propensity` (trained on `train`); `range` names the training rows in the
    /// stacking regression's training information.
    public static func fit(rules: RuleModel, rulesYAML: String, propensity: LogisticRegression, train: Dataset, holdout: Dataset,
                           topK: Int, treeExplanation: TreeExplanationMethod, range: String) throws -> Report {
        let schema = train.schema
        let d = schema.count
        func outputs(_ data: Dataset) -> [Double] {
            data.rows.withUnsafeBufferPointer { buf in
                (0..<data.count).flatMap { i -> [Double] in
                    let x = UnsafeBufferPointer(rebasing: buf[(i * d)..<(i * d + d)])
                    return [rules.score(x), propensity.margin(x)]
                }
            }
        }
        let stackSchema = try FeatureSchema(["fit", "propensity"])
        let stack = try LogisticRegression.train(try Dataset(schema: stackSchema, rows: outputs(train), labels: train.labels),
                                                 options: .init(c: 1), range: range)
        let weights = (0..<2).map { stack.coefficients[$0] / stack.scales[$0] }
        let bias = stack.intercept - (0..<2).reduce(0.0) { $0 + stack.coefficients[$1] * stack.means[$1] / stack.scales[$1] }
        let ensemble = try Ensemble(schema: schema, components: [
            EnsembleComponent(name: "fit", model: .rules(rules), weight: weights[0], modelVersion: rules.version.sha256),
            EnsembleComponent(name: "propensity", model: .logistic(propensity), weight: weights[1], modelVersion: try propensity.version().sha256),
        ], bias: bias, topK: topK, treeExplanation: treeExplanation)
            .calibrated(method: .platt, on: train)
        let probabilities: [Double] = holdout.rows.withUnsafeBufferPointer { buf in
            (0..<holdout.count).map { ensemble.probability(UnsafeBufferPointer(rebasing: buf[($0 * d)..<($0 * d + d)])) }
        }
        let ruleScores: [Double] = holdout.rows.withUnsafeBufferPointer { buf in
            (0..<holdout.count).map { rules.score(UnsafeBufferPointer(rebasing: buf[($0 * d)..<($0 * d + d)])) }
        }
        let figures = try HoldoutFigures(probabilities: probabilities, labels: holdout.labels)
        return Report(rulesYAML: rulesYAML, rules: rules, ensemble: ensemble,
                      rulesAUC: try Metrics.rocAUC(scores: ruleScores, labels: holdout.labels),
                      rulesPrecisionAtTop20: try Metrics.precisionAtTop(percent: 20, scores: ruleScores, labels: holdout.labels),
                      auc: figures.auc, precisionAtTop20: figures.precisionAtTop20, ece: figures.ece)
    }
}
