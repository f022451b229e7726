import Foundation
import LeadLedgerCore

/// Training a propensity model from the canonical log's own outcomes
/// (`leadledger train`): the examples of ``OutcomeExampleBuilder`` from every
/// log partition, a seeded stratified 70/30 split (``HoldoutSplit``), an L2
/// logistic regression and its held-out figures. Pure: no I/O, deterministic.
package enum OutcomeTraining {
    /// Options of ``trainingSet(_:topic:schema:options:)``.
    package struct Options: Sendable, Equatable {
        /// Seed of the stratified split.
        package var seed: UInt64 = 0
        /// When set, leads with no outcome whose latest event is at least this many
        /// days before the log's last event time become label-0 examples, with their
        /// row taken at that last event time. Default off (nil): only outcomes label.
        package var negativeAfterDays: Double?
        /// Training refuses fewer examples than this of either class.
        package var minimumPerClass = 10
        /// Creates options.
        package init(seed: UInt64 = 0, negativeAfterDays: Double? = nil, minimumPerClass: Int = 10) {
            self.seed = seed
            self.negativeAfterDays = negativeAfterDays
            self.minimumPerClass = minimumPerClass
        }
    }

    /// The examples and their split.
    package struct TrainingSet: Sendable {
        /// Every example: the outcome examples partition by partition in log order,
        /// then the no-outcome examples partition by partition in lead-id order.
        package var examples: [OutcomeExample]
        /// Whether each example trains (else it is held out).
        package var isTrain: [Bool]
        package var train: Dataset
        package var holdout: Dataset
        /// The log range and selection, recorded in the model's training information.
        package var range: String
        /// The statistics of every partition, summed.
        package var statistics: OutcomeExampleBuilder.Statistics
        /// The log's last event time over all partitions.
        package var lastEventTime: EventTime?
        /// The split's seed (the stacking folds use it too).
        package var seed: UInt64

        /// Examples labelled converted.
        package var positives: Int { examples.lazy.filter(\.converted).count }
    }

    /// Collects the examples of `builders` (one per log partition of `topic`, each fed
    /// its partition to the end) and splits them.
    /// - Throws: `insufficientData` when either class has fewer than
    ///   ``Options/minimumPerClass`` examples.
    package static func trainingSet(
        _ builders: [OutcomeExampleBuilder], topic: String, schema: FeatureSchema,
        options: Options = Options()
    ) throws -> TrainingSet {
        var builders = builders.sorted { $0.partition < $1.partition }
        var examples = builders.flatMap(\.examples)
        let last = builders.map(\.lastEventTime).max() ?? .min
        let lastTime = last == .min ? nil : EventTime(milliseconds: last)
        var selection = "first outcome per lead"
        if let days = options.negativeAfterDays {
            selection += ", no-outcome leads idle ≥ \(days) d as label 0"
            if let lastTime {
                for i in builders.indices { examples += builders[i].noOutcomeExamples(at: lastTime, idleDays: days) }
            }
        }
        var statistics = OutcomeExampleBuilder.Statistics()
        for b in builders {
            let s = b.statistics
            statistics.events += s.events
            statistics.repeats += s.repeats
            statistics.outcomes += s.outcomes
            statistics.laterOutcomes += s.laterOutcomes
            statistics.outcomesOfUnknownLeads += s.outcomesOfUnknownLeads
            statistics.erasedExamples += s.erasedExamples
        }
        let positives = examples.lazy.filter(\.converted).count
        let negatives = examples.count - positives
        guard positives >= options.minimumPerClass, negatives >= options.minimumPerClass else {
            throw DecisionsError(
                .insufficientData,
                "too few examples to train: \(positives) converted and \(negatives) not converted "
                    + "(at least \(options.minimumPerClass) of each are needed) from \(statistics.outcomes) outcome events in \(topic)",
                file: topic)
        }
        if let bad = examples.first(where: { $0.row.count != schema.count }) {
            throw DecisionsError(.schemaMismatch, "an example has \(bad.row.count) features, the schema \(schema.count)")
        }
        let isTrain = HoldoutSplit.trainMask(labels: examples.map(\.converted), seed: options.seed)
        var trainRows: [Double] = []
        var trainLabels: [Double] = []
        var holdoutRows: [Double] = []
        var holdoutLabels: [Double] = []
        for (i, e) in examples.enumerated() {
            if isTrain[i] {
                trainRows += e.row
                trainLabels.append(e.converted ? 1 : 0)
            } else {
                holdoutRows += e.row
                holdoutLabels.append(e.converted ? 1 : 0)
            }
        }
        let partitions = builders.map { "\($0.partition)@0..<\($0.endOffset)" }.joined(separator: ",")
        let range = "\(topic) partitions \(partitions); \(selection); stratified 70/30 seed \(options.seed), training rows"
        return TrainingSet(
            examples: examples, isTrain: isTrain,
            train: try Dataset(schema: schema, rows: trainRows, labels: trainLabels),
            holdout: try Dataset(schema: schema, rows: holdoutRows, labels: holdoutLabels),
            range: range, statistics: statistics, lastEventTime: lastTime, seed: options.seed)
    }

    /// The propensity regression's training options (of `train`, the X Education bench and
    /// the stacking folds): L2 with inverse strength `c`, no coefficient for a feature that
    /// varies in fewer than 10 training rows, live inputs clipped to the training range.
    package static func regressionOptions(c: Double, signs: [FeatureDirection]? = nil) -> LogisticRegressionOptions {
        .init(c: c, minimumSupport: 10, clipToTrainingRange: true, signs: signs)
    }

    /// A fitted regression and its held-out figures.
    package struct Fit: Sendable {
        package var model: LogisticRegression
        package var figures: HoldoutFigures
    }

    /// Fits an L2 logistic regression (inverse strength `c`) on the training rows
    /// and evaluates it on the held-out rows. As in the X Education bench, features
    /// that vary in fewer than 10 training rows get no coefficient and live inputs
    /// are clipped to the training range. With `signs` (the catalogue's declared
    /// directions, schema order) the fit is bounded: see ``LogisticRegressionOptions/signs``.
    package static func fit(_ set: TrainingSet, c: Double = 1.0, signs: [FeatureDirection]? = nil) throws -> Fit {
        let model = try LogisticRegression.train(
            set.train, holdout: set.holdout, options: regressionOptions(c: c, signs: signs), range: set.range)
        return Fit(model: model, figures: try HoldoutFigures(probabilities: model.probabilities(set.holdout), labels: set.holdout.labels))
    }

    /// Stacks the points model `rulesYAML` (read over the training schema; `rulesSource`
    /// names it in errors) with `fit`'s regression (``StackedEnsemble``).
    /// - Throws: the points model's loading errors (`invalidConfig` with file and line).
    package static func ensemble(
        _ set: TrainingSet, fit: Fit, rulesYAML: Data, rulesSource: String,
        scoring: ScoringConfiguration, signs: [FeatureDirection]? = nil
    ) throws -> StackedEnsemble.Report {
        let rules = try RuleModel.load(yaml: rulesYAML, source: rulesSource, schema: set.train.schema)
        let c = fit.model.training.c
        return try StackedEnsemble.fit(
            rules: rules, rulesYAML: String(decoding: rulesYAML, as: UTF8.self), propensity: fit.model,
            refit: {
                try LogisticRegression.train($0, options: regressionOptions(c: c, signs: signs), range: set.range + " (stacking fold)")
            },
            seed: set.seed, train: set.train, holdout: set.holdout, topK: scoring.topK,
            treeExplanation: scoring.treeExplanation, range: set.range + " (stacking)")
    }
}
