import LeadLedgerCore
import LeadLedgerDecisions

extension MaterializeProcessor {
    /// Applies a control record: updates the activation and switches the decider
    /// when the active model or rule set changed. No output; an undecodable record
    /// goes to the DLQ (stage `materialize`).
    mutating func applyControl(_ record: LogRecord) -> [OutputRecord] {
        let event: ControlEvent
        do {
            event = try ControlEvent(bytes: record.value)
        } catch {
            let source = SourcePosition(topic: record.topic, partition: record.partition, offset: record.offset)
            return [
                DeadLetterOutput.rejected(
                    record.value, key: record.key, source: source, error: error, stage: .materialize, topic: topics.dlq)
            ]
        }
        let configuredModel = configured.configuration.modelVersion
        let configuredRules = configured.configuration.rulesetVersion
        let catalog = self.catalog
        // A version counts as available when the active model (or rule set) can be combined with it.
        let model = activation.current(configured: configuredModel)
        let rules = activation.currentRuleSet(configured: configuredRules)
        func loads(_ candidate: String, _ ruleSet: String) -> Bool {
            (candidate == configuredModel && ruleSet == configuredRules) || catalog?.decider(model: candidate, ruleSet: ruleSet) != nil
        }
        let outcome = activation.apply(
            event, at: record.offset, configured: configuredModel, configuredRuleSet: configuredRules,
            isAvailable: { loads($0, rules) }, isRuleSetAvailable: { loads(model, $0) })
        guard outcome == .switched, let active = activeDecider() else { return [] }
        decider = active
        return event.kind.actsOnRuleSet ? reassigned(after: event, at: record) : []
    }

    /// The outputs of a rule-set switch: the open leads whose owner the rules now
    /// in force no longer allow are reassigned at the control record's position
    /// (`Decider.reassignOwners`), each with a `reassigned` routing record, and
    /// one audit record names them all; no output when no lead moves.
    mutating func reassigned(after event: ControlEvent, at record: LogRecord) -> [OutputRecord] {
        let source = SourcePosition(topic: record.topic, partition: record.partition, offset: record.offset)
        var output = decider.reassignOwners(
            after: event.kind.rawValue, ledger: ledger, logPartition: record.partition, logOffset: record.offset,
            key: ControlRecords.key, source: source, state: &decisions)
        guard !output.audit.isEmpty else { return [] }
        if let cutover { output = cutover.filter(output, eventTime: EventTime(milliseconds: decisions.watermark)) }
        var outputs: [OutputRecord] = []
        for item in output.audit {
            var audit = Self.output(item, topic: topics.audit)
            audit.observation = .decisions(output.decisionsByTier)
            outputs.append(audit)
        }
        for item in output.routing {
            var routing = Self.output(item, topic: topics.routing)
            if let change = item.change { routing.observation = .routeChange(change) }
            outputs.append(routing)
        }
        return outputs
    }
}

extension MaterializeProcessor {
    /// `audit` with the shadow models' view of the event: every shadow version
    /// decides the event on a copy of the decision state as it was before it
    /// (its records are discarded), and the lead id, model version, score and
    /// tier of each of its decisions go into the audit record's `shadows` array,
    /// inserted at its sorted place before the top-level `state_hash` (no member
    /// when no shadow decided a lead). Routing never sees them. A shadow version
    /// that cannot be loaded is left out.
    func shadowScored(
        _ audit: [UInt8], event: CanonicalEvent, effects: [ProjectionEffect], record: LogRecord, before: DecisionState
    ) -> [UInt8] {
        var entries: [JSONValue] = []
        let rules = activation.currentRuleSet(configured: configured.configuration.rulesetVersion)
        for version in activation.shadows {
            guard let shadow = catalog?.decider(model: version, ruleSet: rules) else { continue }
            var state = before
            let output = shadow.decide(
                event: event, effects: effects, ledger: ledger, logPartition: record.partition, logOffset: record.offset, state: &state)
            guard let bytes = output.audit.first?.value, let view = try? AuditRecordView(bytes) else { continue }
            for decision in (view.decision.map { [$0] } ?? []) + view.further {
                entries.append(
                    .object([
                        "lead_id": .string(decision.leadID), "model_version": .string(version), "score": .number(decision.score),
                        "tier": .string(decision.tier),
                    ]))
            }
        }
        return Self.inserting(shadows: entries, into: audit)
    }

    /// `audit` with `"shadows":[…],` before its last `,"state_hash":` (the top-level
    /// one: further decisions come earlier, and quotes inside strings are escaped).
    static func inserting(shadows: [JSONValue], into audit: [UInt8]) -> [UInt8] {
        let marker = Array(#","state_hash":"#.utf8)
        guard !shadows.isEmpty, audit.count > marker.count else { return audit }
        var index = audit.count - marker.count
        while index >= 0, !audit[index..<(index + marker.count)].elementsEqual(marker) { index -= 1 }
        guard index >= 0 else { return audit }
        var out = Array(audit[...index])
        out += Array(#""shadows":"#.utf8)
        out += CanonicalJSON.encode(.array(shadows))
        out += audit[index...]
        return out
    }
}
