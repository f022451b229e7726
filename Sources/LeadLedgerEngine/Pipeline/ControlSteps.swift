import Kafka
import LeadLedgerCore

extension ValidateProcessor {
    /// Validates a `leadledger.control` message: its contract (``ControlEvent``)
    /// and, with a catalog, that the version it names is registered. A valid one
    /// goes on to the identity repartition topic (contract `leadledger.control`),
    /// the canonical JSON of the event instead of the bytes received; anything
    /// else goes to the DLQ (`unknown_model_version` for an unregistered version).
    func validateControl(_ record: LogRecord, source: SourcePosition) -> [OutputRecord] {
        let event: ControlEvent
        do {
            event = try ControlEvent(bytes: record.value)
        } catch {
            return [deadLetter(record, source: source, error: error)]
        }
        if let version = event.version, let catalog, !catalog.isAvailable(version) {
            return [
                deadLetter(
                    record, source: source,
                    error: ContractError(.unknownModelVersion, field: "$.version", "model version \(version) is not in the registry"))
            ]
        }
        return [
            OutputRecord(
                topic: topics.identity, key: record.key, value: event.encoded, partition: 0,
                headers: [
                    KafkaHeader(key: RepartitionHeaders.contract, value: ControlRecords.contract),
                    KafkaHeader(key: RepartitionHeaders.topic, value: record.topic),
                    KafkaHeader(key: RepartitionHeaders.partition, value: String(record.partition)),
                    KafkaHeader(key: RepartitionHeaders.offset, value: String(record.offset)),
                ])
        ]
    }
}

extension ValidateFactory {
    public func needsPreparation(topic: String, headers: [KafkaHeader]) -> Bool { catalog != nil && topic == topics.control }

    /// Loads the versions the control events name from the registry when they are not cached yet.
    public func prepare(_ records: [LogRecord]) async throws {
        guard let catalog else { return }
        let versions = records.compactMap { try? ControlEvent(bytes: $0.value).version }
        // Unreadable registry: the versions stay unknown and their events go to the DLQ.
        if !versions.allSatisfy({ catalog.isAvailable($0) }) { await catalog.refreshLoggingFailure() }
    }
}

extension IdentityProcessor {
    /// A validated control event: written to every canonical-log partition
    /// (``ControlRecords/logRecords(_:topic:partitions:)``), once (a repeat of the
    /// validate stage is skipped like any other).
    mutating func applyControl(_ record: LogRecord) -> [OutputRecord] {
        let topic = Self.header(record, RepartitionHeaders.topic) ?? record.topic
        let partition = Self.header(record, RepartitionHeaders.partition).flatMap { Int32($0) } ?? record.partition
        let offset = Self.header(record, RepartitionHeaders.offset).flatMap { Int64($0) } ?? record.offset
        let sourceKey = "\(topic)/\(partition)"
        if let done = resolvedUpTo[sourceKey], offset <= done { return [] }
        resolvedUpTo[sourceKey] = offset
        let source = SourcePosition(topic: topic, partition: partition, offset: offset)
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
