import LeadLedgerCore
import LeadLedgerDecisions
import LeadLedgerEngine

extension ExplainCommand {
    /// The model and rule-set switches behind the decisions' `model_version`s and
    /// `ruleset_version`s: one line per valid control event on the control topic
    /// (when, what, who and why), in the order the log applies them. Empty when
    /// there are none.
    static func controlSwitches(configuration: EngineConfiguration, reader: LogReader) async throws -> String {
        // A deployment without the control topic has had no switches.
        let logger = reader.logger
        guard let found = try? await partitions(of: configuration.topics.control, configuration: configuration, logger: logger),
            found.contains(0)
        else { return "" }
        var records: [LogRecord] = []
        try await reader.fold(topic: configuration.topics.control, partition: 0, from: 0, to: nil, into: &records) { $0.append($1) }
        let events = records.compactMap { try? ControlEvent(bytes: $0.value) }
        guard !events.isEmpty else { return "" }
        var lines = ["model and rule-set switches (\(configuration.topics.control)):"]
        for event in events {
            let version = event.version.map { " \($0)" } ?? ""
            lines.append("    \(event.occurredAt.rfc3339)  \(event.kind.rawValue)\(version) by \(event.actor): \(event.reason)")
        }
        return lines.map { TerminalText.escapingControls($0) }.joined(separator: "\n") + "\n"
    }

    /// The model and rule-set activations behind `decisions` (``DecisionSwitches``): the
    /// control records of the log partitions they were taken on, up to the last of them.
    /// nil when the configured scoring files do not load (their versions are in force
    /// before a partition's first activation).
    static func switches(
        behind decisions: [LeadExplanation.Decision], configuration: EngineConfiguration, reader: LogReader
    ) async throws -> [LeadExplanation.Switch]? {
        guard let configured = try? configuration.decisionConfiguration() else { return nil }
        guard !decisions.isEmpty else { return [] }
        let ends = Dictionary(decisions.map { ($0.lineage.log.partition, $0.lineage.log.offset) }, uniquingKeysWith: max)
        var controls: [LogRecord] = []
        for (partition, last) in ends.sorted(by: { $0.key < $1.key }) {
            try await reader.fold(topic: configuration.topics.events, partition: partition, from: 0, to: last, into: &controls) {
                if ControlRecords.isControl($1.headers) { $0.append($1) }
            }
        }
        return DecisionSwitches.switches(
            behind: decisions, controls: controls, configured: configured.modelVersion, configuredRuleSet: configured.rulesetVersion)
    }
}
