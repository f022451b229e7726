import Kafka
import LeadLedgerCore
import LeadLedgerDecisions

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Creates `MaterializeProcessor`s sharing one `Decider` (the configured
/// model) and, in the product, one ``ModelCatalog`` to switch models through.
package struct MaterializeFactory: PartitionProcessorFactory {
    let topics: TopicNames
    let decider: Decider
    let cutover: RoutingCutover?
    /// Where activated model versions come from (nil: control events switch nothing).
    package var catalog: ModelCatalog?
    let sealer: PersonalDataSealer?

    /// Creates the factory.
    package init(topics: TopicNames, decider: Decider) {
        self.init(topics: topics, decider: decider, cutover: nil, sealer: nil)
    }

    /// Creates the factory; its processors withhold routing records as `cutover` says,
    /// open sealed fields with `sealer`, and with one the audit records carry no emails
    /// (`Decider.pseudonymousAudit`).
    package init(topics: TopicNames, decider: Decider, cutover: RoutingCutover? = nil, sealer: PersonalDataSealer?) {
        self.topics = topics
        self.decider = MaterializeProcessor.prepared(decider, sealer: sealer)
        self.cutover = cutover
        self.sealer = sealer
    }

    /// Creates the factory from a decision configuration.
    package init(topics: TopicNames, decisions: DecisionConfiguration) {
        self.init(topics: topics, decider: Decider(decisions))
    }

    /// Creates the factory of a catalog (its configured model decides until an activation),
    /// whose processors withhold routing records as `cutover` says and open sealed fields
    /// with `sealer`.
    package init(topics: TopicNames, catalog: ModelCatalog, cutover: RoutingCutover? = nil, sealer: PersonalDataSealer? = nil) {
        self.init(topics: topics, decider: catalog.configured, cutover: cutover, sealer: sealer)
        self.catalog = catalog
    }

    /// Creates the factory from a decision configuration, with a routing cut-over.
    package init(topics: TopicNames, decisions: DecisionConfiguration, cutover: RoutingCutover?) {
        self.init(topics: topics, decider: Decider(decisions), cutover: cutover, sealer: nil)
    }

    package func makeProcessor(partition: Int32) -> MaterializeProcessor {
        MaterializeProcessor(
            topics: topics, partition: partition, decider: decider, catalog: catalog, cutover: cutover, sealer: sealer)
    }

    package func restoreProcessor(partition: Int32, snapshot: [UInt8]) throws -> MaterializeProcessor {
        try MaterializeProcessor(
            topics: topics, partition: partition, decider: decider, catalog: catalog, cutover: cutover, sealer: sealer,
            snapshot: snapshot)
    }

    package func needsPreparation(topic: String, headers: [KafkaHeader]) -> Bool { catalog != nil && ControlRecords.isControl(headers) }

    /// Loads the versions the control records name when the catalog lacks them.
    package func prepare(_ records: [LogRecord]) async throws {
        guard let catalog else { return }
        try await catalog.ensure(records.compactMap { try? ControlEvent(bytes: $0.value) })
    }

    /// Refreshes the catalog from the registry before a restore replay.
    package func willRestore() async throws { await catalog?.refreshLoggingFailure() }
}
