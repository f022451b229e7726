import Foundation
import LeadLedgerCore

/// One training example taken from the canonical log: a lead's feature row at
/// the moment its outcome arrived, and the label.
package struct OutcomeExample: Sendable, Equatable {
    /// Where the label comes from.
    package enum Source: Sendable, Equatable {
        /// A `lead.converted` (label 1) or `lead.disqualified` (label 0) event.
        case outcome(OutcomeKind)
        /// No outcome, and no activity for at least `negativeAfterDays` before the end of the log (label 0).
        case noOutcome
    }

    /// The lead (the survivor of its merges at the time of the example).
    package var lead: LeadID
    /// The label: converted (1) or not (0).
    package var converted: Bool
    package var source: Source
    /// The event time the features were taken at (the outcome's; for `.noOutcome` the log's last event time).
    package var eventTime: EventTime
    /// The log position of the outcome (for `.noOutcome`: the partition's end offset).
    package var logPartition: Int32
    package var logOffset: Int64
    /// The feature row, in the scoring configuration's schema order.
    package var row: [Double]
}

/// Builds training examples from ONE partition of the canonical log, event by
/// event in offset order, the way the materialize stage applies them: every
/// event is applied to a ``LeadLedgerCore/Ledger``, and each lead's decayed
/// activity (``LeadActivity``) is kept exactly as the ``Decider`` keeps it (an
/// engagement that is not a repeat is added to its lead's survivor with the
/// configuration's half-life; a merge folds the absorbed lead's activity into
/// the survivor's; an erasure clears it).
///
/// Point in time, no leakage: on a `lead.converted` (label 1) or
/// `lead.disqualified` (label 0) event, the lead's feature row is taken from the
/// state JUST BEFORE the outcome is applied, at the outcome's event time (decay
/// included), with the same ``FeatureExtractor`` path the Decider scores with.
/// Neither the outcome nor anything after it reaches the row.
///
/// - One example per lead: its FIRST outcome. Later outcomes of the same lead
///   (e.g. disqualified, then converted) are counted in ``Statistics/laterOutcomes``
///   and ignored.
/// - Merges: an outcome of a merged-away lead id is the survivor's outcome.
///   When a lead that already has its outcome is merged into another, the
///   survivor counts as having had it (the person's first outcome stays the
///   earlier one); both keep the examples they had.
/// - An outcome of a lead the partition never saw before (nothing to take
///   features from) gives no example but still counts as the lead's first
///   outcome (``Statistics/outcomesOfUnknownLeads``).
/// - Erasure: the example of an erased lead is dropped (``Statistics/erasedExamples``),
///   since its data subject asked for the personal data to be gone.
/// - A repeated log event (same source position, which the ledger ignores) changes nothing.
package struct OutcomeExampleBuilder: Sendable {
    /// What the builder saw.
    package struct Statistics: Sendable, Equatable {
        /// Log events applied (repeats included).
        package var events = 0
        /// Repeats of an applied source position (ignored, as by the ledger).
        package var repeats = 0
        /// Outcome events applied (not repeats).
        package var outcomes = 0
        /// Outcomes of leads that already had one (ignored).
        package var laterOutcomes = 0
        /// First outcomes of leads with no earlier event in the partition (no example).
        package var outcomesOfUnknownLeads = 0
        /// Examples dropped because their lead was erased later.
        package var erasedExamples = 0
    }

    /// The log partition.
    package let partition: Int32
    let extractor: FeatureExtractor
    var ledger = Ledger()
    var activity: [LeadID: LeadActivity] = [:]
    /// Event time of the latest event naming each lead (survivor ids).
    var lastSeen: [LeadID: Int64] = [:]
    /// Leads (survivor ids) whose first outcome has been seen: the index of their example in `rows`, -1 for none.
    var outcomeSeen: [LeadID: Int] = [:]
    var effects: [ProjectionEffect] = []
    var memo = DomainMemo()
    var rows: [OutcomeExample?] = []
    /// The statistics so far.
    package private(set) var statistics = Statistics()
    /// The latest event time applied (epoch ms; `Int64.min` before any event).
    package private(set) var lastEventTime = Int64.min
    /// The offset after the last applied event (the partition's end once all are applied).
    package private(set) var endOffset: Int64 = 0

    /// A builder for `partition` whose rows follow `extractor`'s schema and half-life.
    package init(partition: Int32, extractor: FeatureExtractor) {
        self.partition = partition
        self.extractor = extractor
    }

    /// The examples so far, in log order of their outcomes.
    package var examples: [OutcomeExample] { rows.compactMap { $0 } }

    /// The projections built so far (tools and tests).
    package var projections: Ledger { ledger }

    /// The feature row of the lead behind `handle` as the Decider computes it at `time`.
    mutating func row(_ handle: Ledger.LeadHandle, at time: EventTime) -> [Double] {
        let lead = LedgerLead(ledger: ledger, handle: handle)
        let account = ledger.account(of: handle).map { extractor.accountSignals($0, ledger: ledger, at: time) }
        var x = [Double](repeating: 0, count: extractor.schema.count)
        let a = activity[ledger.id(of: handle)] ?? LeadActivity()
        x.withUnsafeMutableBufferPointer { extractor.extract(lead: lead, account: account, activity: a, at: time, into: $0, memo: &memo) }
        return x
    }

    /// Applies the log event at `offset` (events must come in offset order).
    package mutating func apply(_ event: CanonicalEvent, offset: Int64) {
        statistics.events += 1
        endOffset = max(endOffset, offset + 1)
        let t = event.eventTime.milliseconds
        // An outcome: the row from the state before it is applied.
        var pending: (lead: LeadID, kind: OutcomeKind, row: [Double]?)?
        if case .outcome(let kind, _, _) = event.payload, let raw = event.leadID {
            let id = ledger.survivor(of: raw) ?? raw
            var row: [Double]?
            if outcomeSeen[id] == nil, let h = ledger.handle(of: id), !ledger.isErased(h) { row = self.row(h, at: event.eventTime) }
            pending = (id, kind, row)
        }
        effects.removeAll(keepingCapacity: true)
        ledger.apply(event, effects: &effects)
        if effects.contains(.duplicateIgnored) {
            statistics.repeats += 1
            return
        }
        if t > lastEventTime { lastEventTime = t }
        // Activity, as the Decider keeps it.
        let halfLifeMs = extractor.halfLifeMs
        if case .engagement(let e) = event.payload, let raw = event.leadID {
            activity[ledger.survivor(of: raw) ?? raw, default: LeadActivity()].add(e, at: t, halfLifeMs: halfLifeMs)
        }
        if let raw = event.leadID {
            let id = ledger.survivor(of: raw) ?? raw
            lastSeen[id] = max(lastSeen[id] ?? .min, t)
        }
        for effect in effects {
            switch effect {
            case .leadMerged(let survivor, let absorbed):
                if let a = activity[absorbed], a.time != .min {
                    activity[survivor, default: LeadActivity()].merge(a, halfLifeMs: halfLifeMs)
                }
                if let seen = lastSeen[absorbed] { lastSeen[survivor] = max(lastSeen[survivor] ?? .min, seen) }
                if outcomeSeen[absorbed] != nil, outcomeSeen[survivor] == nil { outcomeSeen[survivor] = -1 }
            case .leadErased(let id):
                activity[id] = LeadActivity()
                if let index = outcomeSeen[id], index >= 0, rows[index] != nil {
                    rows[index] = nil
                    statistics.erasedExamples += 1
                }
            default:
                break
            }
        }
        guard let pending else { return }
        statistics.outcomes += 1
        if outcomeSeen[pending.lead] != nil {
            statistics.laterOutcomes += 1
            return
        }
        guard let row = pending.row else {
            statistics.outcomesOfUnknownLeads += 1
            outcomeSeen[pending.lead] = -1
            return
        }
        outcomeSeen[pending.lead] = rows.count
        rows.append(
            OutcomeExample(
                lead: pending.lead, converted: pending.kind == .converted, source: .outcome(pending.kind),
                eventTime: event.eventTime, logPartition: partition, logOffset: offset, row: row))
    }

    /// Label-0 examples at `time` for the leads of this partition with no outcome
    /// whose latest event is at least `idleDays` before `time`: in lead-id order,
    /// survivors only, erased leads left out, rows taken at `time`.
    package mutating func noOutcomeExamples(at time: EventTime, idleDays: Double) -> [OutcomeExample] {
        let cutoff = Double(time.milliseconds) - idleDays * 86_400_000
        var out: [OutcomeExample] = []
        for id in lastSeen.keys.sorted() where outcomeSeen[id] == nil && Double(lastSeen[id]!) <= cutoff {
            guard ledger.survivor(of: id) == id, let h = ledger.handle(of: id), !ledger.isErased(h) else { continue }
            out.append(
                OutcomeExample(
                    lead: id, converted: false, source: .noOutcome, eventTime: time,
                    logPartition: partition, logOffset: endOffset, row: row(h, at: time)))
        }
        return out
    }
}

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
