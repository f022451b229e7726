import LeadLedgerCore

extension ModelAcceptance {
    /// Two models on a candidate's held-out split rebuilt from the log it was trained on.
    package struct SplitComparison: Sendable, Equatable {
        /// Both models' figures on the same held-out rows.
        package var comparison: Comparison
        /// The number of held-out examples (leads).
        package var heldOut: Int
    }

    /// Rebuilds the held-out split `leadledger train` made and scores both models on it.
    ///
    /// `candidateBuilders` and `activeBuilders` were fed the same log range (every
    /// partition the candidate was trained on, from offset 0 to its recorded end), one
    /// with each model's feature extractor. The examples and labels do not depend on
    /// the features, so both give the same examples; the seeded split of
    /// ``OutcomeTraining/trainingSet(_:topic:schema:options:)`` with the candidate's
    /// `options` then holds out the same leads, and each model is scored by its whole
    /// propensity model on its own rows of them.
    /// - Throws: `insufficientData` when a class is missing, `schemaMismatch` when the
    ///   two sets of examples differ (the builders did not read the same range).
    package static func compareOnRebuiltSplit(
        candidate: DecisionConfiguration, candidateBuilders: [OutcomeExampleBuilder], active: DecisionConfiguration,
        activeBuilders: [OutcomeExampleBuilder], topic: String, options: OutcomeTraining.Options
    ) throws -> SplitComparison {
        let candidateSet = try OutcomeTraining.trainingSet(
            candidateBuilders, topic: topic, schema: candidate.extractor.schema, options: options)
        let activeSet = try OutcomeTraining.trainingSet(activeBuilders, topic: topic, schema: active.extractor.schema, options: options)
        let same =
            candidateSet.isTrain == activeSet.isTrain
            && zip(candidateSet.examples, activeSet.examples).allSatisfy {
                $0.lead == $1.lead && $0.converted == $1.converted && $0.logPartition == $1.logPartition && $0.logOffset == $1.logOffset
            }
        guard same else {
            throw DecisionsError(.schemaMismatch, "the two models' examples of \(topic) differ: they were not read from the same log range")
        }
        let comparison = Comparison(
            candidate: try HoldoutFigures(
                probabilities: probabilities(candidate, on: candidateSet.holdout), labels: candidateSet.holdout.labels),
            active: try HoldoutFigures(probabilities: probabilities(active, on: activeSet.holdout), labels: activeSet.holdout.labels))
        return SplitComparison(comparison: comparison, heldOut: candidateSet.holdout.count)
    }
}
