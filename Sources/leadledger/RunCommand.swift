import ArgumentParser
import Foundation
import Kafka
import LeadLedgerEngine
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

            Examples:
              leadledger run --config leadledger.yaml
              leadledger run -b kafka-1:9092,kafka-2:9092 \\
                --client-config client.properties --state-directory /var/lib/leadledger
              LEADLEDGER_KAFKA_SASL_PASSWORD=... leadledger run --config leadledger.yaml
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

    func validate() throws {
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
        logger.notice(
            "decisions: \(configuration.scoringFile) (model \(decisions.modelVersion)), \(configuration.routingFile) (ruleset \(decisions.rulesetVersion))"
        )
        for warning in configuration.warnings { logger.warning("\(warning)") }
        try await ensureTopics(configuration, logger: logger)
        try await LogRetention.enforce(configuration, allowFinite: allowFiniteLogRetention, logger: logger)
        if stage != .materialize { _ = try await configuration.adoptLegacyGroupOffsets(logger: logger) }
        let pipeline = try EnginePipeline(configuration: configuration, selection: stage, decisions: decisions)
        let services = try pipeline.makeServices(logger: logger)
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
        var failure: (any Error)?
        do { try await group.run() } catch { failure = error }
        try? await producer.flush(timeout: .seconds(30))
        await producer.close()
        if let failure { throw failure }
    }
}
