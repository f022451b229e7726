import LeadLedgerCore
import LeadLedgerDecisions

extension ModelOperations {
    /// The promote guard's evidence for `candidate` against the active model.
    ///
    /// When the candidate's manifest records its training range (``TrainingRange``),
    /// that range of the canonical log is read again, once, into two example builders
    /// (one per model's features), the seeded split is rebuilt and both models are
    /// scored on the candidate's held-out leads. Without a range, the AUCs the two
    /// manifests record are compared (each measured on its own split); with neither,
    /// there is no evidence (nil).
    /// - Throws: ``ModelRegistryError`` `refused` when the split cannot be rebuilt as
    ///   recorded (the log range no longer holds the same held-out examples).
    package func heldOutComparison(
        candidate: (manifest: ModelManifest, bundle: ModelBundle), active: (manifest: ModelManifest?, decisions: DecisionConfiguration)
    ) async throws -> HeldOutComparison? {
        let candidateVersion = candidate.manifest.modelVersion
        let activeVersion = active.decisions.modelVersion
        guard let range = TrainingRange(training: candidate.manifest.training) else {
            guard let candidateAUC = Self.heldOutAUC(candidate.manifest.metrics),
                let activeAUC = Self.heldOutAUC(active.manifest?.metrics)
            else { return nil }
            return HeldOutComparison(
                candidateVersion: candidateVersion, activeVersion: activeVersion, candidateAUC: candidateAUC, activeAUC: activeAUC,
                basis: .manifests)
        }
        let candidateDecisions = try configuration(of: candidate.bundle)
        var candidateBuilders: [OutcomeExampleBuilder] = []
        var activeBuilders: [OutcomeExampleBuilder] = []
        for part in range.partitions {
            var state = (
                candidate: OutcomeExampleBuilder(partition: part.partition, extractor: candidateDecisions.extractor),
                active: OutcomeExampleBuilder(partition: part.partition, extractor: active.decisions.extractor)
            )
            try await reader.fold(topic: range.topic, partition: part.partition, from: 0, to: part.end, into: &state) { state, record in
                guard let event = (try? record.canonicalEvent()) ?? nil else { return }
                state.candidate.apply(event, offset: record.offset)
                state.active.apply(event, offset: record.offset)
            }
            candidateBuilders.append(state.candidate)
            activeBuilders.append(state.active)
        }
        let rebuilt: ModelAcceptance.SplitComparison
        do {
            rebuilt = try ModelAcceptance.compareOnRebuiltSplit(
                candidate: candidateDecisions, candidateBuilders: candidateBuilders, active: active.decisions,
                activeBuilders: activeBuilders, topic: range.topic,
                options: OutcomeTraining.Options(seed: range.seed, negativeAfterDays: range.negativeAfterDays, minimumPerClass: 1))
        } catch let error as DecisionsError {
            throw ModelRegistryError(
                .refused, context: candidateVersion,
                "the held-out split of \(candidateVersion) cannot be rebuilt from \(range.description): \(error) (--force promotes it anyway)"
            )
        }
        if let recorded = range.heldOut, recorded != rebuilt.heldOut {
            throw ModelRegistryError(
                .refused, context: candidateVersion,
                "the held-out split of \(candidateVersion) cannot be rebuilt from \(range.description): it has \(rebuilt.heldOut) held-out leads, the manifest records \(recorded) (--force promotes it anyway)"
            )
        }
        return HeldOutComparison(
            candidateVersion: candidateVersion, activeVersion: activeVersion, candidateAUC: rebuilt.comparison.candidate.auc,
            activeAUC: rebuilt.comparison.active.auc, basis: .rebuiltSplit(leads: rebuilt.heldOut, range: range.description))
    }
}
