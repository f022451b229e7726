import ArgumentParser
import Foundation
import Hummingbird
import Kafka
import LeadLedgerDecisions
import LeadLedgerEngine
import LeadLedgerOperations
import LeadLedgerReadModel
import Logging
import NIOCore

/// `leadledger serve`: the read model (a downstream consumer of the routing,
/// audit, log and DLQ topics into SQLite), its JSON API and the dashboard.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the read model: a JSON API over the routing, audit and log topics, and the dashboard.",
        discussion: """
            Reads every partition of leadledger.routing, leadledger.audit,
            leadledger.events and leadledger.dlq (manual assignment, no consumer
            group) into SQLite (readmodel.sqlite in the state directory), storing
            the applied offsets in the same transaction, and resumes from them
            after a restart. Several replicas can run side by side, each with its
            own state directory. Serves the API under /v1 (docs/api.md,
            docs/openapi.yaml) and the dashboard at /. Requests need
            `Authorization: Bearer <token>` with a token from --tokens (see
            `leadledger tokens add`). Logs `http listening on HOST:PORT` once the
            port is bound.

            Examples:
              leadledger tokens add alice --role analyst --file tokens.yaml
              leadledger serve --config leadledger.yaml --tokens tokens.yaml
              leadledger serve -b localhost:9092 --tokens tokens.yaml --http-port 0 --state-directory /var/lib/leadledger-serve
            """
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var engine: EngineOptions

    @Option(help: "HTTP port (0: any free port; the bound address is logged).")
    var httpPort: Int = 8081

    @Option(help: "Address to bind (0.0.0.0 for every interface, e.g. in a container).")
    var httpHost: String = "127.0.0.1"

    @Option(help: ArgumentHelp("Token file (YAML: tokens: [{name, sha256, role}]).", valueName: "file"))
    var tokens: String

    func validate() throws {
        if !(0...65535).contains(httpPort) { throw ValidationError("--http-port must be from 0 to 65535") }
    }

    func run() async throws {
        let logger = connection.makeLogger("leadledger.serve", default: .notice)
        let configuration = try engine.resolve(connection)
        let tokenFile = try TokenFile.load(path: tokens)
        if tokenFile.entries.isEmpty { logger.warning("\(tokens) has no tokens: every /v1 request will get 401") }
        let routing = try RoutingRules.load(
            yaml: try Data(contentsOf: URL(fileURLWithPath: configuration.routingFile)), source: configuration.routingFile)
        var slaHours: [String: Double] = [:]
        for queue in routing.queues {
            if let ms = queue.slaMs { slaHours[queue.queue] = Double(ms) / 3_600_000 }
        }
        try await ensureTopics(configuration, logger: logger)
        let topics = ReadModelTopics(
            routing: configuration.topics.routing, audit: configuration.topics.audit, events: configuration.topics.events,
            dlq: configuration.topics.dlq)
        var partitionMap: [String: [Int32]] = [:]
        for topic in topics.all {
            partitionMap[topic] = try await partitions(of: topic, configuration: configuration, logger: logger)
        }
        let sealer = try await PrivacySetup.sealer(
            for: configuration, environment: ProcessInfo.processInfo.environment, createTopic: false, logger: logger)
        // The configured versions give a lead's explanation its switches; without the scoring files there are none.
        let decisions = try? configuration.decisionConfiguration()
        let configured = decisions.map { ConfiguredVersions(model: $0.modelVersion, ruleSet: $0.rulesetVersion) }
        let operations = ModelOperations(configuration: configuration, logger: logger)
        let featureSets = FeatureSetDirectory(load: { await operations.featureSets() })
        await featureSets.refresh()
        let store = try ReadModelStore(
            directory: configuration.stateDirectory, topics: topics, sealer: sealer, configured: configured, featureSets: featureSets)
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(
                bootstrapServers: configuration.brokers, clientID: "leadledger-serve", properties: configuration.properties),
            logger: logger)
        let consumer = ReadModelConsumer(
            store: store, client: configuration.client("leadledger-serve"), partitions: partitionMap, logger: logger)
        let overrides = OverrideService(
            store: store, publisher: KafkaOverridePublisher(producer: producer), crmTopic: configuration.topics.crm, logger: logger)
        // swift-metrics' backend, for `/metrics` (the consumer's and the server's own metrics land here).
        _ = PrometheusBootstrap.registry()
        let lag = StageLagMonitor(probe: StageLagProbe(configuration: configuration, logger: logger))
        let server = ReadModelServer(
            store: store, tokens: tokenFile, overrides: overrides, slaHours: slaHours, logger: logger, progress: consumer.progress,
            lag: lag, models: ModelControlService(operations: ModelOperations(configuration: configuration, logger: logger)))
        // The framework's own request logging stays at notice or above: a URI can
        // carry an email address (`/v1/leads?email=`).
        var httpLogger = logger
        httpLogger.logLevel = max(logger.logLevel, .notice)
        let host = httpHost
        let port = httpPort
        let app = Application(
            router: server.makeRouter(),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "leadledger-serve"),
            services: [consumer, lag],
            onServerRunning: { channel in
                logger.notice("http listening on \(host):\(channel.localAddress?.port ?? port)")
            },
            logger: httpLogger)
        logger.notice("leadledger serve: read model in \(configuration.stateDirectory), \(tokenFile.entries.count) token(s)")
        var failure: (any Error)?
        do { try await app.runService() } catch { failure = error }
        await producer.close()
        if let failure { throw RuntimeFailure("serve: \(failure)") }
    }
}
