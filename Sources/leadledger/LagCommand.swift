import ArgumentParser
import Foundation
import Kafka
import LeadLedgerEngine
import Logging

/// `leadledger lag`: how far each stage's consumer group is behind its input.
struct LagCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lag",
        abstract: "Show how many records each stage (validate, identity, materialize) has not yet committed.",
        discussion: """
            For every input partition of a stage: the group's committed offset and the
            number of records after it. The count comes from reading the partition from
            the committed offset to its end (the local Tansu broker answers ListOffsets
            for the latest offset too low; reading is right on any broker). A stage
            commits an offset only after every output of the records before it was
            acknowledged, so "0 behind" everywhere means every accepted input has been
            resolved, materialized and decided, and its records are in the output topics.
            With --wait, polls until every stage is caught up (exit 0) or --timeout
            seconds pass (exit 1). --format json prints one object
            (schemas/cli/lag.schema.json).

            Examples:
              leadledger lag --config leadledger.yaml
              leadledger lag --config leadledger.yaml --wait --timeout 600 --format json
            """
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var engine: EngineOptions

    @Flag(help: "Wait until every stage is caught up.")
    var wait = false

    @Option(help: "With --wait: give up after this many seconds (exit status 1).")
    var timeout: Double = 300

    @Option(help: "With --wait: seconds between two checks.")
    var interval: Double = 1

    @Option(help: "Output: text, or json (schemas/cli/lag.schema.json).")
    var format: ReportFormat = .text

    func validate() throws {
        if !(timeout.isFinite && timeout >= 0) { throw ValidationError("--timeout must be a number of seconds, 0 or more") }
        if !(interval.isFinite && interval > 0) { throw ValidationError("--interval must be a positive number of seconds") }
    }

    /// The report in the chosen format.
    private func render(_ report: LagReport) throws -> String {
        switch format {
        case .json:
            return try ReportFormat.json(report)
        case .text:
            var text = ""
            for stage in report.stages {
                text +=
                    "\(stage.stage.padding(toLength: 12, withPad: " ", startingAt: 0))group \(stage.group): \(stage.partitions.count) partitions, committed \(stage.committed) records, \(stage.behind) behind\n"
            }
            if report.caughtUp { return text + "lag: caught up\n" }
            if report.timedOut == true { return text + "lag: still \(report.behind) records behind after \(timeout) s\n" }
            return text + "lag: \(report.behind) records behind\n"
        }
    }

    func run() async throws {
        let logger = connection.makeLogger("leadledger.lag")
        let configuration = try engine.resolve(connection)
        let topics = configuration.topics
        let groups = configuration.groups
        let stages: [(name: String, group: String, topics: [String])] = [
            ("validate", groups.validate, [topics.crm, topics.web, topics.email, topics.control]),
            ("identity", groups.identity, [topics.identity]),
            ("materialize", groups.materialize, [topics.events]),
        ]
        var inputs: [(stage: String, group: String, partitions: [KafkaTopicPartition])] = []
        for stage in stages {
            var members: [KafkaTopicPartition] = []
            for topic in stage.topics {
                // The control topic exists once a release with model activation created the topics.
                let ids =
                    topic == topics.control
                    ? ((try? await partitions(of: topic, configuration: configuration, logger: logger)) ?? [])
                    : try await partitions(of: topic, configuration: configuration, logger: logger)
                for id in ids {
                    members.append(KafkaTopicPartition(topic: topic, partition: id))
                }
            }
            inputs.append((stage.name, stage.group, members))
        }
        let reader = LogReader(client: configuration.client("leadledger-lag"), logger: logger)
        let deadline = ContinuousClock.now + .seconds(timeout)
        while true {
            var report = LagReport(caughtUp: true, behind: 0, timedOut: nil, stages: [])
            for input in inputs {
                let probe = try KafkaConsumer(
                    configuration: KafkaConsumerConfiguration(
                        bootstrapServers: configuration.brokers, groupID: input.group, clientID: "leadledger-lag",
                        properties: configuration.properties), logger: logger)
                let committed = try await probe.committed(input.partitions)
                await probe.close()
                var stage = LagReport.Stage(stage: input.stage, group: input.group, committed: 0, behind: 0, partitions: [])
                for partition in input.partitions {
                    let from = (committed[partition] ?? nil) ?? 0
                    var count = 0
                    _ = try await reader.fold(topic: partition.topic, partition: partition.partition, from: from, to: nil, into: &count) {
                        count, _ in count += 1
                    }
                    stage.partitions.append(.init(topic: partition.topic, partition: partition.partition, committed: from, behind: count))
                    stage.committed += from
                    stage.behind += count
                }
                report.behind += stage.behind
                report.stages.append(stage)
            }
            report.caughtUp = report.behind == 0
            if !wait || report.caughtUp {
                StandardOutput.write(try render(report))
                return
            }
            if ContinuousClock.now >= deadline {
                report.timedOut = true
                StandardOutput.write(try render(report))
                throw ExitCode(ExitStatus.checkFailed)
            }
            try await Task.sleep(for: .seconds(interval))
        }
    }
}
