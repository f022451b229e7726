import Foundation
import Kafka
import LeadLedgerCore
import LeadLedgerDecisions
import Logging

/// What the `models` commands and `run` do with the registry and the control
/// topic: register a model directory, write control events, work out the
/// activation the control topic asks for, and bootstrap an empty log.
package struct ModelOperations: Sendable {
    /// The engine configuration (topics, routing file, model store).
    package let configuration: EngineConfiguration
    /// A logger.
    package let logger: Logger

    /// Creates the operations.
    package init(configuration: EngineConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    var registry: ModelRegistry { ModelRegistry(topic: configuration.topics.models) }
    var reader: LogReader { LogReader(client: configuration.client("leadledger-models"), logger: logger) }

    /// The decision configuration of `bundle` with the configured routing rules.
    package func configuration(of bundle: ModelBundle) throws -> DecisionConfiguration {
        let routing: Data
        do { routing = try Data(contentsOf: URL(fileURLWithPath: configuration.routingFile)) } catch {
            throw ModelRegistryError(.invalidModel, context: configuration.routingFile, "cannot read: \(error.localizedDescription)")
        }
        return try bundle.configuration(
            routingYAML: routing, routingSource: configuration.routingFile, auditRecordLimit: configuration.auditMaxBytes,
            auditSchema: configuration.auditSchema, routingSchema: configuration.routingSchema)
    }

    /// Registers `bundle`: checks that it loads, writes its chunks and manifest to
    /// the registry topic and caches it.
    /// - Returns: the manifest written.
    package func register(
        _ bundle: ModelBundle, createdBy: String, createdAt: EventTime, training: JSONValue? = nil, metrics: JSONValue? = nil,
        baselines: JSONValue? = nil
    ) async throws -> ModelManifest {
        let decisions = try configuration(of: bundle)
        let manifest = ModelManifest(
            bundle: bundle, configuration: decisions, chunkBytes: registry.chunkBytes, training: training, metrics: metrics,
            baselines: baselines, createdAt: createdAt.rfc3339, createdBy: createdBy)
        let producer = try KafkaProducer(
            configuration: ModelRegistry.producerConfiguration(
                brokers: configuration.brokers, properties: configuration.properties, clientID: "leadledger-models"),
            logger: logger)
        do {
            try await registry.publish(manifest, bundle, producer: producer)
            await producer.close()
        } catch {
            await producer.close()
            throw error
        }
        try configuration.modelCache.save(manifest, bundle)
        return manifest
    }

    /// The registry's contents, every intact version cached locally as well.
    package func contents() async throws -> ModelRegistry.Contents {
        let contents = try await registry.read(reader: reader)
        let cache = configuration.modelCache
        let cached = Set(cache.versions())
        for (version, entry) in contents.versions where !cached.contains(version) {
            try? cache.save(entry.manifest, entry.bundle)
        }
        return contents
    }

    /// The version's manifest and files: from the registry, else the cache.
    /// - Throws: ``ModelRegistryError`` `unknown_model_version`, or the version's own problem.
    package func lookup(_ version: String) async throws -> (manifest: ModelManifest, bundle: ModelBundle) {
        let contents = try await contents()
        if let found = contents.versions[version] { return found }
        if let broken = contents.broken[version] { throw broken }
        if let cached = try configuration.modelCache.load(version) { return cached }
        throw ModelRegistryError(.unknownModelVersion, context: version, "no model version \(version) in \(configuration.topics.models)")
    }

    /// The activation the control topic asks for (its valid events in order, as
    /// every log partition applies them), with `configured` and `configuredRuleSet`
    /// as the bootstrap versions and the versions of `contents` as the known ones
    /// (the configured rule set is always known: the configured routing file routes by it).
    package func requestedActivation(
        configured: String, configuredRuleSet: String, contents: ModelRegistry.Contents
    ) async throws -> (activation: ModelActivation, events: Int) {
        var records: [LogRecord] = []
        try await reader.fold(topic: configuration.topics.control, partition: 0, from: 0, to: nil, into: &records) { $0.append($1) }
        let known = Set(contents.versions.keys)
        let knownRuleSets = Set(contents.ruleSets.keys).union([configuredRuleSet])
        var activation = ModelActivation()
        for record in records {
            guard let event = try? ControlEvent(bytes: record.value) else { continue }
            if let version = event.version, !(event.kind.actsOnRuleSet ? knownRuleSets : known).contains(version) { continue }
            activation.apply(
                event, at: record.offset, configured: configured, configuredRuleSet: configuredRuleSet,
                isAvailable: { known.contains($0) }, isRuleSetAvailable: { knownRuleSets.contains($0) })
        }
        return (activation, records.count)
    }

    /// Writes a control event to the control topic and waits for its acknowledgement.
    package func write(_ event: ControlEvent) async throws {
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(
                bootstrapServers: configuration.brokers, clientID: "leadledger-control", properties: configuration.properties),
            logger: logger)
        do {
            _ = try await producer.send(
                KafkaProducerMessage(
                    topic: configuration.topics.control, partition: 0, key: Array(event.eventID.utf8), value: event.encoded))
            await producer.close()
        } catch {
            await producer.close()
            throw error
        }
    }

    /// `run`'s bootstrap: registers the configured model when the registry lacks
    /// it, and promotes it when the control topic holds no event yet; then the same
    /// for the configured rule set (``bootstrapRuleSet(_:now:)``).
    /// - Returns: whether a model promote event was written.
    @discardableResult
    package func bootstrap(_ decisions: DecisionConfiguration, now: EventTime) async throws -> Bool {
        let promoted = try await bootstrapModel(decisions, now: now)
        try await bootstrapRuleSet(decisions, now: now)
        return promoted
    }

    /// Registers the configured model when the registry lacks it, and promotes it
    /// when the control topic holds no event yet.
    /// - Returns: whether a promote event was written.
    func bootstrapModel(_ decisions: DecisionConfiguration, now: EventTime) async throws -> Bool {
        let bundle = try ModelBundle.load(scoringFile: URL(fileURLWithPath: configuration.scoringFile))
        let contents = try await contents()
        if contents.versions[decisions.modelVersion] == nil {
            let manifest = try await register(bundle, createdBy: "leadledger run (bootstrap)", createdAt: now)
            logger.notice("registered the configured model \(manifest.modelVersion) in \(configuration.topics.models)")
        } else if (try? configuration.modelCache.load(decisions.modelVersion)) == nil, let entry = contents.versions[decisions.modelVersion]
        {
            try configuration.modelCache.save(entry.manifest, entry.bundle)
        }
        let requested = try await requestedActivation(
            configured: decisions.modelVersion, configuredRuleSet: decisions.rulesetVersion, contents: contents)
        guard requested.events == 0 else { return false }
        try await write(
            ControlEvent(
                eventID: "ctl_bootstrap_\(decisions.modelVersion)", kind: .modelPromote, version: decisions.modelVersion,
                actor: "leadledger run", reason: "bootstrap: the log has no model activation yet", occurredAt: now))
        logger.notice("promoted the configured model \(decisions.modelVersion) (the log had no model activation)")
        return true
    }
}
