import Foundation
import LeadLedgerCore
import Testing

@testable import LeadLedgerDecisions

@Suite("Stacking on out-of-fold margins")
struct StackedEnsembleTests {
    /// The cross-fitting folds: every fold holds ⌊n/k⌋ or ⌈n/k⌉ of each class, the same
    /// seed deals the same folds, another seed other folds.
    @Test func foldsAreStratifiedAndSeeded() {
        let labels = (0..<103).map { $0 % 3 == 0 }  // 35 positives, 68 negatives
        let folds = HoldoutSplit.folds(labels: labels, k: 5, seed: 9)
        for f in 0..<5 {
            let pos = labels.indices.filter { folds[$0] == f && labels[$0] }.count
            let neg = labels.indices.filter { folds[$0] == f && !labels[$0] }.count
            #expect(pos == 7, "fold \(f): \(pos) positives")
            #expect((13...14).contains(neg), "fold \(f): \(neg) negatives")
        }
        #expect(HoldoutSplit.folds(labels: labels, k: 5, seed: 9) == folds)
        #expect(HoldoutSplit.folds(labels: labels, k: 5, seed: 10) != folds)
    }

    static let rulesYAML = """
        name: signal-rule
        groups:
          - name: signal
            rules:
              - {feature: signal, op: ">", value: 0, points: 10}
        """

    /// A small, wide data set a regression overfits: one informative feature and 40 noise
    /// features over 90 training rows (labels from the signal plus noise).
    static func data(rows n: Int, seed: UInt64) throws -> Dataset {
        let schema = try FeatureSchema(["signal"] + (0..<40).map { "noise\($0)" })
        var rng = SplitMix64(seed: seed)
        var rows: [Double] = []
        var labels: [Double] = []
        for _ in 0..<n {
            let signal = rng.unit() * 2 - 1
            rows.append(signal)
            for _ in 0..<40 { rows.append(rng.unit() * 2 - 1) }
            labels.append(rng.unit() < 1 / (1 + exp(-2 * signal)) ? 1 : 0)
        }
        return try Dataset(schema: schema, rows: rows, labels: labels)
    }

    /// The regression is refitted once per fold, each time on the training rows outside
    /// that fold, and the stacked weight of an overfit regression is smaller than when its
    /// in-sample margins are stacked (a `refit` that returns the full model reproduces
    /// in-sample stacking): its margins on rows it never saw are worse, and the stack sees that.
    @Test func stackingSeesOutOfFoldMargins() throws {
        let train = try Self.data(rows: 90, seed: 1)
        let holdout = try Self.data(rows: 300, seed: 2)
        let options = LogisticRegressionOptions(c: 10)
        let full = try LogisticRegression.train(train, options: options, range: "train")
        let rules = try RuleModel.load(yaml: Data(Self.rulesYAML.utf8), source: "rules.yaml", schema: train.schema)
        var sizes: [Int] = []
        let crossFitted = try StackedEnsemble.fit(
            rules: rules, rulesYAML: Self.rulesYAML, propensity: full,
            refit: { d in
                sizes.append(d.count)
                return try LogisticRegression.train(d, options: options, range: "fold")
            },
            folds: 5, seed: 3, train: train, holdout: holdout, topK: 3, treeExplanation: .pathAttribution, range: "t")
        #expect(sizes.count == 5)
        #expect(sizes.allSatisfy { (70...74).contains($0) }, "\(sizes)")
        #expect(sizes.reduce(0, +) == 4 * train.count)
        let inSample = try StackedEnsemble.fit(
            rules: rules, rulesYAML: Self.rulesYAML, propensity: full, refit: { _ in full },
            folds: 5, seed: 3, train: train, holdout: holdout, topK: 3, treeExplanation: .pathAttribution, range: "t")
        let weight = { (r: StackedEnsemble.Report) in r.ensemble.components.first { $0.name == "propensity" }!.weight }
        #expect(weight(crossFitted) < weight(inSample), "out-of-fold \(weight(crossFitted)), in-sample \(weight(inSample))")
        // Both ensembles score with the regression trained on all training rows.
        #expect(crossFitted.ensemble.components.map(\.modelVersion) == inSample.ensemble.components.map(\.modelVersion))
    }

    /// Too few training rows of a class for two folds is refused, not fitted on one fold.
    @Test func refusesWithoutTwoRowsPerClass() throws {
        let d = try Self.data(rows: 40, seed: 4)
        var labels = [Double](repeating: 0, count: d.count)
        labels[0] = 1
        let train = try Dataset(schema: d.schema, rows: d.rows, labels: labels)
        let rules = try RuleModel.load(yaml: Data(Self.rulesYAML.utf8), source: "rules.yaml", schema: d.schema)
        let model = try LogisticRegression.train(try Self.data(rows: 40, seed: 5), options: .init(c: 1), range: "other")
        #expect(throws: DecisionsError.self) {
            _ = try StackedEnsemble.fit(
                rules: rules, rulesYAML: Self.rulesYAML, propensity: model, refit: { _ in model },
                train: train, holdout: d, topK: 3, treeExplanation: .pathAttribution, range: "t")
        }
    }
}
