import LeadLedgerCore
import LeadLedgerDecisions

extension MaterializeProcessor {
    /// Applies a control record: updates the model activation and switches the
    /// decider when the active version changed. No output; an undecodable record
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
        let configuredVersion = configured.configuration.modelVersion
        let catalog = self.catalog
        let outcome = activation.apply(event, at: record.offset, configured: configuredVersion) { version in
            version == configuredVersion || (catalog?.isAvailable(version) ?? false)
        }
        if outcome == .switched {
            let version = activation.current(configured: configuredVersion)
            decider = version == configuredVersion ? configured : (catalog?.decider(for: version) ?? decider)
        }
        return []
    }

    /// Checks a snapshot's configuration tag (`<model>/<ruleset>`) against the
    /// running one: the ruleset must match; the configured model only matters
    /// while the partition has no activation.
    static func checkTag(_ tag: [UInt8], running: [UInt8], activated: Bool, context: String) throws {
        let taken = String(decoding: tag, as: UTF8.self)
        let now = String(decoding: running, as: UTF8.self)
        if taken == now { return }
        let sameRules = taken.split(separator: "/").last == now.split(separator: "/").last
        guard activated, sameRules else {
            throw EngineError(.snapshotUnreadable, context: context, "taken with decision configuration \(taken), running \(now)")
        }
    }
}
