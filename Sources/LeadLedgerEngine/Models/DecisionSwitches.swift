import Kafka
import LeadLedgerCore
import LeadLedgerDecisions

/// Which activation was in force for each of a lead's decisions: the control
/// records of the canonical-log partitions the decisions were taken on, applied
/// in log order by the rules the materialize stage applies them with
/// (``ModelActivation``), give for every decision the last model activation and
/// the last rule-set activation at or before its log position (a decision at a
/// rule-set switch's own position is one of its reassignments). An activation is a
/// promote or rollback that switched the version, or the first promote of a
/// partition (the bootstrap). It is attributed only when the version it put in
/// force is the one the decision names, so an activation the engine could not
/// load (its version unavailable there) is never credited with a decision.
package enum DecisionSwitches {
    /// The activations behind `decisions`, by log position (partition, then offset),
    /// each with the decisions taken under it; activations no decision was taken
    /// under are left out. `controls` are control records of the log (any order; other
    /// partitions and undecodable records are ignored); `configured` and
    /// `configuredRuleSet` are the versions in force before a partition's first activation.
    package static func switches(
        behind decisions: [LeadExplanation.Decision], controls: [LogRecord], configured: String, configuredRuleSet: String
    ) -> [LeadExplanation.Switch] {
        var out: [LeadExplanation.Switch] = []
        let byPartition = Dictionary(grouping: decisions) { $0.lineage.log.partition }
        for partition in byPartition.keys.sorted() {
            let records = controls.filter { $0.partition == partition }.sorted { $0.offset < $1.offset }
            let activations = self.activations(records, configured: configured, configuredRuleSet: configuredRuleSet)
            var switches = activations.map { activation in
                LeadExplanation.Switch(
                    type: activation.change.event.kind.rawValue, version: activation.change.to, from: activation.change.from,
                    eventID: activation.change.event.eventID, actor: activation.change.event.actor, reason: activation.change.event.reason,
                    occurredAt: activation.change.event.occurredAt.rfc3339,
                    log: LeadExplanation.Position(topic: activation.topic, partition: partition, offset: activation.change.logOffset),
                    decisionIDs: [])
            }
            let ordered = (byPartition[partition] ?? []).sorted { $0.lineage.log.offset < $1.lineage.log.offset }
            for decision in ordered {
                for onRules in [false, true] {
                    let version = onRules ? decision.rulesetVersion : decision.modelVersion
                    guard
                        let index = activations.lastIndex(where: {
                            $0.change.event.kind.actsOnRuleSet == onRules && $0.change.logOffset <= decision.lineage.log.offset
                        }), activations[index].change.to == version
                    else { continue }
                    if switches[index].decisionIDs.last != decision.decisionID { switches[index].decisionIDs.append(decision.decisionID) }
                }
            }
            out += switches.filter { !$0.decisionIDs.isEmpty }
        }
        return out
    }

    /// The activating changes of one partition's control records (in log order), with the log topic.
    static func activations(
        _ records: [LogRecord], configured: String, configuredRuleSet: String
    ) -> [(change: ModelActivation.Change, topic: String)] {
        var activation = ModelActivation()
        var out: [(change: ModelActivation.Change, topic: String)] = []
        for record in records {
            guard let event = try? ControlEvent(bytes: record.value) else { continue }
            let line = event.kind.actsOnRuleSet ? activation.ruleSet : activation.model
            let outcome = activation.apply(
                event, at: record.offset, configured: configured, configuredRuleSet: configuredRuleSet, isAvailable: { _ in true },
                isRuleSetAvailable: { _ in true })
            let activates: Bool
            switch event.kind {
            case .modelPromote, .rulesetPromote: activates = outcome == .switched || (outcome == .unchanged && line.active == nil)
            case .modelRollback, .rulesetRollback: activates = outcome == .switched
            case .modelShadow, .modelUnshadow: activates = false
            }
            if activates, let change = activation.history.last { out.append((change, record.topic)) }
        }
        return out
    }
}
