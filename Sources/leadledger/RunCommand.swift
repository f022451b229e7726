import ArgumentParser
import Foundation
import Kafka
import LeadLedgerDecisions
import LeadLedgerEngine
import LeadLedgerOperations
import Logging
import ServiceLifecycle

extension StageSelection: ExpressibleByArgument {}

/// `leadledger run`: the streaming engine.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the resolve and materialize stages (both by default).",
        discussion: """
            Creates missing topics, joins the stages' consumer groups and processes
            until SIGINT/SIGTERM, then hands every partition over (drain outputs,
            snapshot, commit) and leaves. Start several processes with the same
            configuration to split the partitions. Log level: notice by default.

            HTTP (before any topic is touched; a port in use ends run with status 3):
            GET /metrics (Prometheus text), /health/live, /health/ready (200, or 503
            with a JSON reason). --http-port 0 takes a free port and logs
            "http listening on HOST:PORT". The optional bearer token for these comes
            from --metrics-token-file or LEADLEDGER_METRICS_TOKEN.

            Examples:
              leadledger run --config leadledger.yaml
              leadledger run -b kafka-1:9092,kafka-2:9092 \\
                --client-config client.properties --state-directory /var/lib/leadledger
              LEADLEDGER_KAFKA_SASL_PASSWORD=... leadledger run --config leadledger.yaml
              leadledger run --config leadledger.yaml --http-port 9464 --log-format json
              leadledger run --config leadledger.yaml --route-from 2026-12-01T00:00:00Z

            First deployment on history: --route-from T still decides and audits every
            event but writes routing records only for events dated at or after T; the
            audit records of earlier events that would have routed carry
            withheld_routing. Give replay and audit verify the same --route-from.

            The state directory records which log its snapshots came from
            (log-identity.json); snapshots of another log (a recreated topic, another
            broker) are discarded at start and the partitions replayed from the log.
            """
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var engine: EngineOptions

    @Option(help: "Stages to run: resolve, materialize, or all.")
    var stage: StageSelection = .all

    @Flag(
        help:
            "Run even when the canonical log's topic deletes or compacts records (finite retention.ms or retention.bytes, cleanup.policy compact)."
    )
    var allowFiniteLogRetention = false

    @Option(
        help:
            "Reject inbound events dated further ahead of the wall clock than this (timestamp_out_of_range), e.g. 7d, 36h, 90m, 30s (overrides max_future_skew; default 7d)."
    )
    var maxFutureSkew: String?

    @Option(help: "Port of the HTTP server (metrics, health probes); 0: any free port (overrides http_port; default 8080).")
    var httpPort: Int?

    @Option(help: "Address the HTTP server binds (overrides http_host; default 0.0.0.0, every interface).")
    var httpHost: String?

    @Flag(name: .customLong("no-http"), help: "Serve no HTTP (no metrics, no health probes).")
    var noHTTP = false

    @Option(
        help: "File holding the bearer token that /metrics and /health/* then require (default: $LEADLEDGER_METRICS_TOKEN; none: open).")
    var metricsTokenFile: String?

    func validate() throws {
        if let httpPort, !(0...65_535).contains(httpPort) {
            throw ValidationError("--http-port: \(httpPort) is not a port (0 to 65535)")
        }
        if let maxFutureSkew, EngineConfiguration.durationSeconds(maxFutureSkew) == nil {
            throw ValidationError("--max-future-skew: '\(maxFutureSkew)' is not a duration (e.g. 7d, 36h, 90m, 30s)")
        }
    }

    func run() async throws {
        let logger = connection.makeLogger("leadledger.run", default: .notice)
        var configuration = try engine.resolve(connection)
        if let seconds = maxFutureSkew.flatMap(EngineConfiguration.durationSeconds) { configuration.maxFutureSkewSeconds = seconds }
        // A bad scoring or routing file fails here, before any topic is touched.
        let decisions = try configuration.decisionConfiguration()
        // So does an unreadable or invalid master key file (the error names the variable, never the key).
        _ = try MasterKey.load(environment: ProcessInfo.processInfo.environment)
        let status = EngineStatusBoard()
        let server = try await startHTTP(configuration, status: status, logger: logger)
        logger.notice(
            "decisions: \(configuration.scoringFile) (model \(decisions.modelVersion)), \(configuration.routingFile) (ruleset \(decisions.rulesetVersion))"
        )
        for warning in configuration.warnings { logger.warning("\(warning)") }
        if let cutover = configuration.routingCutover {
            logger.notice(
                "routing cut-over: routing records only for events at or after \(cutover.routeFrom.rfc3339); earlier events are decided and audited, their audit records say \(RoutingCutover.auditMember) (give replay and audit verify --route-from \(cutover.routeFrom.rfc3339))"
            )
        }
        do {
            try await runEngine(configuration, decisions: decisions, status: status, logger: logger)
        } catch {
            await server?.stop()
            throw error
        }
        await server?.stop()
    }

    /// Starts the HTTP server unless `--no-http` (before the engine touches Kafka,
    /// so a port in use fails at once).
    private func startHTTP(_ configuration: EngineConfiguration, status: EngineStatusBoard, logger: Logger) async throws
        -> OperationsServer?
    {
        if noHTTP { return nil }
        let port = httpPort ?? configuration.httpPort
        let host = httpHost ?? configuration.httpHost
        let token: MetricsToken?
        do {
            token = try MetricsToken.load(file: metricsTokenFile, environment: ProcessInfo.processInfo.environment)
        } catch {
            throw RuntimeFailure("\(error)")
        }
        let server: OperationsServer
        do {
            server = try await OperationsServer.start(
                OperationsServer.Configuration(host: host, port: port, readyMaxLag: configuration.readyMaxLag, token: token),
                status: status, logger: logger)
        } catch {
            throw RuntimeFailure("cannot serve HTTP on \(host):\(port): \(error)")
        }
        logger.notice("http listening on \(server.host):\(server.port) (/metrics, /health/live, /health/ready)")
        return server
    }

    private func runEngine(
        _ configuration: EngineConfiguration, decisions: DecisionConfiguration, status: EngineStatusBoard, logger: Logger
    ) async throws {
        try await ensureTopics(configuration, logger: logger)
        try await LogRetention.enforce(configuration, allowFinite: allowFiniteLogRetention, logger: logger)
        if stage != .materialize { _ = try await configuration.adoptLegacyGroupOffsets(logger: logger) }
        let logPartitions = try await partitions(of: configuration.topics.events, configuration: configuration, logger: logger)
        // The identity stage writes each event to the partition its key hashes to
        // among `partitions.events`: the log topic must have exactly that many.
        if stage != .materialize, logPartitions.count != Int(configuration.partitions.events) {
            throw EngineError(
                .invalidConfiguration, context: "partitions.events",
                "partitions.events is \(configuration.partitions.events), but \(configuration.topics.events) has \(logPartitions.count) partitions: set partitions.events to \(logPartitions.count) (events are placed by their key's hash among that many partitions)"
            )
        }
        // Before the snapshot store is opened: snapshots of another log are discarded.
        // A log that may delete its first records has no stable identity to check.
        let binding =
            allowFiniteLogRetention
            ? nil
            : StateDirectoryBinding(
                directory: configuration.stateDirectory, topic: configuration.topics.events, partitions: logPartitions,
                reader: LogReader(client: configuration.client("leadledger-run-identity"), logger: logger))
        if let binding {
            try await binding.enforce { logger.error("\($0)") }
        } else {
            logger.notice("--allow-finite-log-retention: the state directory is not checked against the log it came from")
        }
        // The configured scoring files only bootstrap: registered, and promoted when the log has no activation yet.
        try await ModelOperations(configuration: configuration, logger: logger).bootstrap(decisions, now: nowEventTime())
        var pipeline = try EnginePipeline(configuration: configuration, selection: stage, decisions: decisions)
        pipeline.sealer = try await PrivacySetup.sealer(
            for: configuration, environment: ProcessInfo.processInfo.environment, createTopic: true, logger: logger)
        if pipeline.sealer == nil { logger.warning("\(PrivacySetup.plaintextWarning)") }
        // Custom fields a decision reads stay in the clear (docs/privacy.md).
        pipeline.sealer?.clearCustomFields = configuration.clearCustomFieldSet(reading: decisions)
        let services = try pipeline.makeServices(
            logger: logger, status: status, statistics: noHTTP ? nil : KafkaStatisticsRecorder(logger: logger))
        let producer = services.producer
        let stages = services.stages
        logger.notice(
            "leadledger run: stages \(stage.rawValue) on \(configuration.brokers.joined(separator: ",")), state in \(configuration.stateDirectory)"
        )
        let group = ServiceGroup(
            configuration: .init(
                services: stages.map {
                    .init(
                        service: $0, successTerminationBehavior: .gracefullyShutdownGroup,
                        failureTerminationBehavior: .gracefullyShutdownGroup)
                },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            ))
        let binder = Task { await binding?.bindWhileUnbound(logger: logger) }
        var failure: (any Error)?
        do { try await group.run() } catch { failure = error }
        binder.cancel()
        await binder.value
        // A log that was empty at start and is still unbound gets its identity recorded now.
        if let binding, !binding.isFullyBound { _ = await binding.bindNewPartitions(within: .seconds(10), logger: logger) }
        try? await producer.flush(timeout: .seconds(30))
        await producer.close()
        if let failure { throw failure }
    }
}
