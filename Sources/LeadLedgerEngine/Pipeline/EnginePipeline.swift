import Kafka
import LeadLedgerDecisions
import Logging
import Metrics
import ServiceLifecycle

/// The product wiring of `leadledger run`: the resolve stage (validate + identity
/// steps) and the materialize stage as `PartitionedStage`s sharing one producer.
package struct EnginePipeline: Sendable {
    /// The configuration.
    package let configuration: EngineConfiguration
    /// The stages this process runs.
    package let selection: StageSelection

    /// The decision step's configuration (loaded once, shared by every partition).
    package let decisions: DecisionConfiguration

    /// Seals and opens personal fields with subject keys; nil without a master
    /// key (plaintext mode: the log's bytes are as without crypto-shredding).
    package var sealer: PersonalDataSealer?

    /// Creates the wiring; `decisions` is `configuration.decisionConfiguration()` when nil.
    /// - Throws: `invalidConfiguration` when the scoring or routing files are bad.
    package init(configuration: EngineConfiguration, selection: StageSelection, decisions: DecisionConfiguration? = nil) throws(EngineError)
    {
        self.configuration = configuration
        self.selection = selection
        if let decisions { self.decisions = decisions } else { self.decisions = try configuration.decisionConfiguration() }
    }

    func stageConfiguration(_ name: String, topics: [String], group: String) -> StageConfiguration {
        var stage = StageConfiguration(name: name, inputTopics: topics, groupID: group)
        stage.sessionTimeout = .milliseconds(configuration.sessionTimeoutMilliseconds)
        stage.snapshotPolicy = configuration.snapshotPolicy
        return stage
    }

    /// Creates the producer and the stages.
    package func makeServices(logger: Logger) throws -> EngineServices {
        try makeServices(logger: logger, status: nil, statistics: nil)
    }

    /// Creates the producer and the stages; the stages publish their partitions'
    /// progress to `status`, and every client sends librdkafka's statistics to
    /// `statistics` (enabling `statistics.interval.ms` unless the properties set it).
    /// Records `leadledger_model_info`.
    package func makeServices(logger: Logger, status: EngineStatusBoard?, statistics: KafkaStatisticsRecorder?) throws -> EngineServices {
        Gauge(
            label: MetricNames.modelInfo,
            dimensions: [("model_version", decisions.modelVersion), ("ruleset_version", decisions.rulesetVersion)]
        ).record(1)
        let properties = statistics == nil ? configuration.properties : KafkaStatisticsRecorder.enabling(configuration.properties)
        var producerConfiguration = KafkaProducerConfiguration(
            bootstrapServers: configuration.brokers, clientID: "leadledger-run", properties: properties)
        producerConfiguration.client.statisticsHandler = statistics?.handler
        producerConfiguration.shutdownFlushTimeout = .seconds(30)
        // lz4: audit records are kilobytes of JSON. Measured on Tansu (shared machine,
        // so noisy): the broker's CPU per inbound message fell from 239 to 123–159 µs
        // over 30k inbound messages (~190k audit records) and from 272 to 196–292 µs
        // over 50k. `properties` (`-X compression.type=...`) still override it.
        producerConfiguration.compression = .lz4
        let producer = try KafkaProducer(configuration: producerConfiguration, logger: logger)
        let store = SnapshotStore.openRecovering(directory: configuration.stateDirectory) { logger.error("\($0)") }
        let topics = configuration.topics
        var client = configuration.client("leadledger-run")
        if let statistics {
            client.properties = KafkaStatisticsRecorder.enabling(client.properties)
            client.statisticsHandler = statistics.handler
        }
        if let sealer {
            sealer.keyring.attach(producer: producer)
            if let store, selection != .materialize {
                let identityTopic = topics.identity
                sealer.keyring.whenNewErasure {
                    do {
                        try store.purge(topic: identityTopic)
                        logger.notice("erasure: deleted the identity step's snapshots (they hold the erased subject's identifiers)")
                    } catch {
                        logger.error("erasure: \(error)")
                    }
                }
            }
        }
        var services = EngineServices(producer: producer)
        let catalog = try configuration.modelCatalog(decisions: decisions, client: client, logger: logger)
        if selection != .materialize {
            var validate = ValidateFactory(topics: topics, futureCheck: configuration.futureTimestampCheck)
            validate.catalog = catalog
            var identity = IdentityFactory(topics: topics, sealer: sealer)
            identity.logPartitions = configuration.partitions.events
            services.validate = PartitionedStage(
                configuration: stageConfiguration(
                    "validate", topics: topics.inbound + [topics.control], group: configuration.groups.validate),
                client: client, producer: producer, store: nil, factory: validate, status: status, logger: logger)
            services.identity = PartitionedStage(
                configuration: stageConfiguration("identity", topics: [topics.identity], group: configuration.groups.identity),
                client: client, producer: producer, store: store, factory: identity, status: status, logger: logger)
        }
        if selection != .resolve {
            services.materialize = PartitionedStage(
                configuration: stageConfiguration("materialize", topics: [topics.events], group: configuration.groups.materialize),
                client: client, producer: producer, store: store,
                factory: MaterializeFactory(topics: topics, catalog: catalog, cutover: configuration.routingCutover, sealer: sealer),
                status: status, logger: logger)
        }
        return services
    }
}
