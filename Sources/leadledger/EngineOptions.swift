import ArgumentParser
import Foundation
import Kafka
import LeadLedgerEngine
import Logging

/// Options of the engine commands: the YAML configuration file, overridden by
/// environment and flags.
struct EngineOptions: ParsableArguments {
    @Option(help: "YAML configuration file (topics, partitions, groups, state directory, scoring and routing files).")
    var config: String?

    @Option(help: "Directory for snapshots (overrides state_directory).")
    var stateDirectory: String?

    @Option(help: "Local cache of registered models (overrides model_store; default <state directory>/models).")
    var modelStore: String?

    @Option(help: "session.timeout.ms of the stage consumers (overrides session_timeout_ms; Tansu joins take half of it).")
    var sessionTimeoutMs: Int?

    @Option(help: "Scoring configuration of the decision step (overrides scoring_file; default config/scoring.yaml).")
    var scoringConfig: String?

    @Option(help: "Routing rules of the decision step (overrides routing_file; default config/routing.yaml).")
    var routingRules: String?

    @Option(help: "Replication factor of the topics created when missing (overrides replication_factor; default: the broker's default).")
    var replicationFactor: Int16?

    @Option(
        help: ArgumentHelp(
            "Routing cut-over (RFC 3339, e.g. 2026-12-01T00:00:00Z; overrides route_from): events dated before it are decided and audited, but their routing records are withheld. Give run, replay and audit verify the same value.",
            valueName: "time"))
    var routeFrom: String?

    /// The configuration: defaults < file < environment < flags; brokers and client
    /// properties by ``ConnectionSettings``'s precedence rule.
    func resolve(_ connection: ConnectionOptions) throws -> EngineConfiguration {
        var configuration = try config.map { path throws(EngineError) in try EngineConfiguration.load(path: path) } ?? EngineConfiguration()
        // A file without `brokers:` leaves the default in place; it must not win over
        // the file's own `properties: {bootstrap.servers: …}`.
        let fileBrokers = configuration.brokers == ConnectionSettings.defaultBrokers ? nil : configuration.brokers
        let settings = try connection.settings(
            yaml: ConnectionSettings.Layer(brokers: fileBrokers, properties: configuration.properties))
        configuration.brokers = settings.brokers
        configuration.properties = settings.properties
        if let stateDirectory { configuration.stateDirectory = stateDirectory }
        if let modelStore { configuration.modelStore = modelStore }
        if let scoringConfig { configuration.scoringFile = scoringConfig }
        if let routingRules { configuration.routingFile = routingRules }
        if let sessionTimeoutMs { configuration.sessionTimeoutMilliseconds = sessionTimeoutMs }
        if let replicationFactor { configuration.replicationFactor = replicationFactor }
        if let routeFrom { configuration.routeFrom = routeFrom }
        try configuration.validate(context: config ?? "flags")
        return configuration
    }
}

/// Creates the engine's missing topics.
func ensureTopics(_ configuration: EngineConfiguration, logger: Logger) async throws {
    let admin = try KafkaAdminClient(
        configuration: KafkaAdminConfiguration(bootstrapServers: configuration.brokers, properties: configuration.properties),
        logger: logger)
    do {
        let created = try await TopicProvisioner.ensureTopics(configuration, admin: admin)
        if !created.isEmpty { logger.notice("created topics: \(created.joined(separator: ", "))") }
        await admin.close()
    } catch {
        await admin.close()
        throw error
    }
}
