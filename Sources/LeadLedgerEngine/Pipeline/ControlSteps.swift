import Kafka
import LeadLedgerCore

extension ValidateProcessor {
    /// Validates a `leadledger.control` message: its contract (``ControlEvent``)
    /// and, with a catalog, that the version it names is registered. A valid one
    /// is forwarded to the identity repartition topic as the event itself (a
    /// ``RepartitionRecord`` with a control payload); anything
    /// else is rejected like any inbound message (`unknown_model_version` or
    /// `unknown_ruleset_version` for an unregistered version): a DLQ record and a skip marker.
    func checkControl(_ record: LogRecord) -> Result<ControlEvent, ContractError> {
        let event: ControlEvent
        do {
            event = try ControlEvent(bytes: record.value)
        } catch {
            return .failure(error)
        }
        if let version = event.version, let catalog, !catalog.canApply(event) {
            if event.kind.actsOnRuleSet {
                return .failure(
                    ContractError(.unknownRuleSetVersion, field: "$.version", "rule set \(version) is not in the registry"))
            }
            return .failure(ContractError(.unknownModelVersion, field: "$.version", "model version \(version) is not in the registry"))
        }
        return .success(event)
    }
}

extension ValidateFactory {
    package func needsPreparation(topic: String, headers: [KafkaHeader]) -> Bool { catalog != nil && topic == topics.control }

    /// Loads the versions the control events name from the registry when they are not cached yet.
    package func prepare(_ records: [LogRecord]) async throws {
        guard let catalog else { return }
        let events = records.compactMap { try? ControlEvent(bytes: $0.value) }
        // Unreadable registry: the versions stay unknown and their events go to the DLQ.
        if !events.allSatisfy({ catalog.canApply($0) }) { await catalog.refreshLoggingFailure() }
    }
}

extension IdentityProcessor {
    /// A validated control event of the previous repartition format (its canonical
    /// JSON, contract header `leadledger.control`): written to every canonical-log partition
    /// (``ControlRecords/logRecords(_:topic:partitions:)``), once (a repeat of the
    /// validate stage is skipped like any other).
    mutating func applyControl(_ record: LogRecord, source: SourcePosition) -> [OutputRecord] {
        do {
            let event = try ControlEvent(bytes: record.value)
            return ControlRecords.logRecords(event, topic: topics.events, partitions: logPartitions)
        } catch {
            return [
                DeadLetterOutput.rejected(record.value, key: record.key, source: source, error: error, stage: .resolve, topic: topics.dlq)
            ]
        }
    }
}
