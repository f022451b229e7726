import Foundation
import Testing

@testable import LeadLedgerDecisions

@Suite("Ensemble")
struct EnsembleTests {
    let schema = try! FeatureSchema(featureNames)

    let rules = """
        name: fit
        groups:
          - name: seniority
            cap: 25
            rules:
              - {feature: seniority, op: ">=", value: 2, points: 20}
              - {feature: seniority, op: ">=", value: 4, points: 10}
          - name: engagement
            decay: {half_life_days: 7, age_feature: days_since_touch}
            rules:
              - {feature: page_views, op: ">=", value: 3, points: 10}
        """

    func build(_ method: TreeExplanationMethod) throws -> (Ensemble, [[Double]], Dataset) {
        let fx = try Fixtures.load()
        let ruleModel = try RuleModel.load(yaml: rules, source: "fit.yaml", schema: schema)
        let trees = try TreeEnsemble.loadXGBoost(json: try fx.data("xgb_binary.json"), source: "xgb_binary.json", schema: schema)
        let inputs = try fx.case("xgb_binary")["X"]!.matrix
        // A logistic regression trained on the fixture rows with labels from the tree model, deterministic.
        let labels = inputs.map { row in row.withUnsafeBufferPointer { trees.predict($0) } >= 0.5 ? 1.0 : 0.0 }
        let data = try Dataset(schema: schema, rows: inputs.flatMap { $0 }, labels: labels)
        let lr = try LogisticRegression.train(data, options: .init(c: 1), range: "fixture")
        let ensemble = try Ensemble(
            schema: schema,
            components: [
                EnsembleComponent(name: "fit", model: .rules(ruleModel), weight: 0.02, modelVersion: ruleModel.version.sha256),
                EnsembleComponent(name: "propensity_lr", model: .logistic(lr), weight: 0.4, modelVersion: try lr.version().sha256),
                EnsembleComponent(name: "propensity_gbt", model: .trees(trees), weight: 0.6, modelVersion: trees.version.sha256),
                EnsembleComponent(name: "account", model: .feature("intent"), weight: 0.1, modelVersion: "intent"),
            ], bias: -0.3, topK: 5, treeExplanation: method)
        return (try ensemble.calibrated(method: .platt, on: data), inputs, data)
    }

    @Test(
        "component and feature contributions add up to the combined margin; score is round(100 p)",
        arguments: [TreeExplanationMethod.treeSHAP, .treeSHAPTable, .pathAttribution])
    func additivity(method: TreeExplanationMethod) throws {
        let (ensemble, inputs, _) = try build(method)
        var scorer = EnsembleScorer(ensemble)
        for row in inputs {
            let decision = row.withUnsafeBufferPointer { scorer.decide($0) }
            let z = row.withUnsafeBufferPointer { ensemble.margin($0) }
            #expect(decision.margin == z)
            let cheap = row.withUnsafeBufferPointer { ensemble.evaluate($0) }
            #expect(
                cheap.margin == z && cheap.probability == decision.probability && cheap.score == decision.score,
                "the score-only path must give exactly the explained decision's numbers")
            var sum = ensemble.bias
            for c in decision.componentContributions { sum += c.value }
            #expect(abs(sum - z) < 1e-12)
            var featureSum = decision.featureBase
            for v in scorer.featureContributions { featureSum += v }
            #expect(abs(featureSum - z) < 1e-9, "features add up to \(featureSum), margin \(z)")
            #expect(decision.probability == ensemble.calibration.probability(z))
            #expect(decision.score == Int((100 * decision.probability).rounded(.toNearestOrAwayFromZero)))
            #expect(decision.topFeatures.count <= 5)
            let magnitudes = decision.topFeatures.map { abs($0.value) }
            #expect(magnitudes == magnitudes.sorted(by: >))
            if let smallestTop = magnitudes.last, decision.topFeatures.count == 5 {
                let others = scorer.featureContributions.enumerated().filter { i, _ in !decision.topFeatures.contains { $0.index == i } }
                #expect(others.allSatisfy { abs($0.1) <= smallestTop })
            }
        }
    }

    @Test("the three tree explanation methods agree on scores; exact methods agree on contributions")
    func methodsAgree() throws {
        let (exact, inputs, _) = try build(.treeSHAP)
        let (table, _, _) = try build(.treeSHAPTable)
        var a = EnsembleScorer(exact)
        var b = EnsembleScorer(table)
        for row in inputs.prefix(100) {
            let (ra, rb) = row.withUnsafeBufferPointer { (a.evaluate($0), b.evaluate($0)) }
            #expect(ra.probability == rb.probability)
            for j in 0..<schema.count { #expect(abs(a.featureContributions[j] - b.featureContributions[j]) < 1e-9) }
        }
    }

    @Test("the ensemble artifact is stable and pins component model versions")
    func artifact() throws {
        let (ensemble, inputs, _) = try build(.treeSHAPTable)
        let bytes = try ensemble.artifactData()
        let models = ensemble.components.map { ($0.name, $0.model, $0.modelVersion) }
        let (loaded, version) = try Ensemble.load(artifact: bytes, source: "ensemble.json", schema: schema, models: models)
        #expect(version.sha256 == ContentVersion(of: bytes).sha256)
        #expect(try loaded.artifactData() == bytes)
        for row in inputs.prefix(50) {
            let (p1, p2) = row.withUnsafeBufferPointer { (ensemble.probability($0), loaded.probability($0)) }
            #expect(p1 == p2)
        }
        var wrong = models
        wrong[2].2 = String(repeating: "0", count: 64)
        do {
            _ = try Ensemble.load(artifact: bytes, source: "ensemble.json", schema: schema, models: wrong)
            Issue.record("a changed model version must be refused")
        } catch let e as DecisionsError {
            #expect(e.field == "components[2].model_version" && e.message.contains("propensity_gbt"))
        }
    }

    @Test("isotonic calibration of the ensemble is monotone in the margin and improves ECE over the raw sigmoid")
    func calibration() throws {
        let (platt, inputs, data) = try build(.pathAttribution)
        let iso = try platt.calibrated(method: .isotonic, on: data)
        let z = inputs.map { row in row.withUnsafeBufferPointer { iso.margin($0) } }
        let order = z.indices.sorted { z[$0] < z[$1] }
        var last = -1.0
        for i in order {
            let p = iso.calibration.probability(z[i])
            #expect(p >= last)
            last = p
        }
        let raw = z.map { sigmoid($0) }
        let cal = z.map { iso.calibration.probability($0) }
        #expect(
            try Metrics.expectedCalibrationError(probabilities: cal, labels: data.labels)
                <= Metrics.expectedCalibrationError(probabilities: raw, labels: data.labels))
    }
}
