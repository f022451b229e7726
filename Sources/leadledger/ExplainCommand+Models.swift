import LeadLedgerCore
import LeadLedgerEngine

extension ExplainCommand {
    /// The model switches behind the decisions' `model_version`s: one line per
    /// valid control event on the control topic (when, what, who and why), in the
    /// order the log applies them. Empty when there are none.
    static func modelSwitches(configuration: EngineConfiguration, reader: LogReader) async throws -> String {
        // A deployment without the control topic has had no switches.
        let logger = reader.logger
        guard let found = try? await partitions(of: configuration.topics.control, configuration: configuration, logger: logger),
            found.contains(0)
        else { return "" }
        var records: [LogRecord] = []
        try await reader.fold(topic: configuration.topics.control, partition: 0, from: 0, to: nil, into: &records) { $0.append($1) }
        let events = records.compactMap { try? ControlEvent(bytes: $0.value) }
        guard !events.isEmpty else { return "" }
        var lines = ["model switches (\(configuration.topics.control)):"]
        for event in events {
            let version = event.version.map { " \($0)" } ?? ""
            lines.append("    \(event.occurredAt.rfc3339)  \(event.kind.rawValue)\(version) by \(event.actor): \(event.reason)")
        }
        return lines.map { TerminalText.escapingControls($0) }.joined(separator: "\n") + "\n"
    }
}
