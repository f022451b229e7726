import Foundation
import LeadLedgerCore
import Testing

@testable import LeadLedgerDecisions

/// The checks `leadledger train --out` runs before it writes a model.
@Suite("Model acceptance (guarded training)")
struct ModelAcceptanceTests {
    /// Held-out rows over `configuration`'s features: `count` rows where the
    /// demo-intent feature is set on every other row, labelled by it (1 with intent).
    static func holdout(_ configuration: DecisionConfiguration, count: Int = 40) throws -> Dataset {
        let schema = configuration.extractor.schema
        let demo = try #require(schema.names.firstIndex(of: "intent_demo"))
        var rows: [Double] = []
        var labels: [Double] = []
        for i in 0..<count {
            var row = [Double](repeating: 0, count: schema.count)
            row[demo] = i.isMultiple(of: 2) ? 1 : 0
            rows += row
            labels.append(i.isMultiple(of: 2) ? 1 : 0)
        }
        return try Dataset(schema: schema, rows: rows, labels: labels)
    }

    @Test("a candidate that does not beat the active model fails the holdout check; the margins are respected")
    func holdoutMargins() {
        let figures = { (auc: Double, ece: Double) in HoldoutFigures(auc: auc, precisionAtTop20: 0.5, ece: ece) }
        let tie = ModelAcceptance.Comparison(candidate: figures(0.80, 0.05), active: figures(0.80, 0.05))
        #expect(!ModelAcceptance.holdoutCheck(tie, thresholds: .init()).passed)
        #expect(ModelAcceptance.holdoutCheck(tie, thresholds: .init(minimumAUCGain: -0.01)).passed)
        let better = ModelAcceptance.Comparison(candidate: figures(0.85, 0.06), active: figures(0.80, 0.05))
        #expect(ModelAcceptance.holdoutCheck(better, thresholds: .init()).passed)
        let miscalibrated = ModelAcceptance.Comparison(candidate: figures(0.85, 0.10), active: figures(0.80, 0.05))
        let check = ModelAcceptance.holdoutCheck(miscalibrated, thresholds: .init(eceMargin: 0.02))
        #expect(!check.passed)
        #expect(check.detail.contains { $0.contains("ECE is worse") }, "\(check.detail)")
    }

    @Test("both models are scored on the same rows by their whole propensity model")
    func scoresBothOnTheSameRows() throws {
        let ranks = try DecisionFixtures.configuration(weights: ["intent_demo": 3])
        let ignores = try DecisionFixtures.configuration(weights: [:])
        let rows = try Self.holdout(ranks)
        let comparison = try ModelAcceptance.compare(candidate: ranks, active: ignores, on: rows)
        #expect(comparison.candidate.auc == 1)
        #expect(comparison.active.auc == 0.5)
        #expect(ModelAcceptance.holdoutCheck(comparison, thresholds: .init()).passed)
        // And the other way round the candidate is refused.
        let reversed = try ModelAcceptance.compare(candidate: ignores, active: ranks, on: rows)
        #expect(!ModelAcceptance.holdoutCheck(reversed, thresholds: .init()).passed)
    }

    @Test("a candidate's held-out split is rebuilt from its log range: the leads train held out, both models scored on them")
    func rebuiltSplit() throws {
        let log = try signalLog(leads: 60).log
        let ranks = try DecisionFixtures.configuration(weights: ["intent_pricing": 3])
        let ignores = try DecisionFixtures.configuration(weights: [:])
        let options = OutcomeTraining.Options(seed: 4, minimumPerClass: 1)
        // What `train` holds out with this seed, and the two models on those rows.
        let set = try OutcomeTraining.trainingSet(
            [build(log, ranks.extractor)], topic: "events", schema: ranks.extractor.schema, options: options)
        let expected = try ModelAcceptance.compare(candidate: ranks, active: ignores, on: set.holdout)
        let rebuilt = try ModelAcceptance.compareOnRebuiltSplit(
            candidate: ranks, candidateBuilders: [build(log, ranks.extractor)], active: ignores,
            activeBuilders: [build(log, ignores.extractor)], topic: "events", options: options)
        #expect(rebuilt.heldOut == set.holdout.count && rebuilt.heldOut > 0)
        #expect(rebuilt.comparison == expected)
        #expect(rebuilt.comparison.candidate.auc > rebuilt.comparison.active.auc)
        #expect(rebuilt.comparison.active.auc == 0.5, "a model that ignores every feature ranks nothing")
        // The other way round, the candidate is the weaker one.
        let reversed = try ModelAcceptance.compareOnRebuiltSplit(
            candidate: ignores, candidateBuilders: [build(log, ignores.extractor)], active: ranks,
            activeBuilders: [build(log, ranks.extractor)], topic: "events", options: options)
        #expect(reversed.comparison.candidate == expected.active && reversed.comparison.active == expected.candidate)
        // Builders that did not read the same range are refused.
        #expect(throws: DecisionsError.self) {
            try ModelAcceptance.compareOnRebuiltSplit(
                candidate: ranks, candidateBuilders: [build(log, ranks.extractor)], active: ignores,
                activeBuilders: [build(Array(log.dropLast(3)), ignores.extractor)], topic: "events", options: options)
        }
    }

    @Test("the shipped configurations pass the scenario and monotonicity checks")
    func shippedPass() throws {
        for path in B2BScenarioTests.shipped {
            let configuration = try B2BScenarioTests.load(path)
            let scenarios = ModelAcceptance.scenarioCheck(configuration)
            #expect(scenarios.passed, "\(path): \(scenarios.detail)")
            let monotone = try ModelAcceptance.monotonicityCheck(configuration)
            #expect(monotone.passed, "\(path): \(monotone.detail)")
        }
    }

    @Test("a model that lowers the score for a demo request fails the monotonicity check and names the event")
    func invertedModelFailsMonotonicity() throws {
        let inverted = try DecisionFixtures.configuration(weights: ["intent_demo": -3, "intent_pricing": -2, "meetings": -2])
        let report = try MonotonicityCheck(samples: 150, seed: 1).run(inverted)
        #expect(!report.passed)
        #expect(report.violations.contains { $0.hasPrefix("a positive event") && $0.contains("lowered the score") }, "\(report.violations)")
        let check = try ModelAcceptance.monotonicityCheck(inverted)
        #expect(!check.passed)
    }

    @Test("the sample is the same for the same seed")
    func seeded() throws {
        let configuration = try B2BScenarioTests.load("config/scoring.yaml")
        #expect(
            try MonotonicityCheck(samples: 40, seed: 9).run(configuration) == MonotonicityCheck(samples: 40, seed: 9).run(configuration))
    }
}
