import ArgumentParser
import Foundation
import Kafka
import LeadLedgerAnalytics
import LeadLedgerCore
import LeadLedgerEngine
import Logging

/// `leadledger drift`: population stability of the score and features per model version.
struct DriftCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drift",
        abstract: "Population stability index (PSI) of the score and every feature, per model version, over the latest event-time window.",
        discussion: """
            Reads the primary decisions of the audit topic (score and feature values)
            and compares, per model version, the latest --window of event time with a
            baseline: the version's entry in --baseline FILE when given (--write-baseline
            FILE writes each version's latest window: the distributions of a period you
            trust, for later runs), else the version's first window in the log. Bins are the
            baseline's deciles (distinct cut points), empty bins count as 1e-4. A
            variable whose PSI is at least --threshold is a crossing: it is marked
            ALERT and the command exits with status 1; with --publish each crossing is
            also produced to --monitor-topic (default leadledger.monitor) as a record of
            schemas/leadledger.monitor.schema.json. Definitions: docs/lifecycle.md.

            Examples:
              leadledger drift --config leadledger.yaml
              leadledger drift --config leadledger.yaml --window 1d --threshold 0.1 --format json
              leadledger drift --config leadledger.yaml --write-baseline baseline.json
              leadledger drift --config leadledger.yaml --baseline baseline.json
            """
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var engine: EngineOptions

    @Option(help: "The window of event time (a number with d, h, m or s).")
    var window: String = "7d"

    @Option(help: "The PSI at which a variable counts as drifted.")
    var threshold: Double = 0.2

    @Option(help: "Quantile bins of the baseline.")
    var bins: Int = PopulationStability.defaultBins

    @Option(help: "Baselines to compare with (a JSON file written by --write-baseline).")
    var baseline: String?

    @Option(help: "Write each model version's latest window to this JSON file, as the baseline of later runs (--baseline).")
    var writeBaseline: String?

    @Option(help: "Output: text, or json (one object).")
    var format: ReportFormat = .text

    @Flag(help: "Also produce one record per crossing to --monitor-topic (schemas/leadledger.monitor.schema.json).")
    var publish = false

    @Option(help: "The topic --publish writes to (created with one partition when missing).")
    var monitorTopic: String = "leadledger.monitor"

    func validate() throws {
        guard let seconds = EngineConfiguration.durationSeconds(window), seconds > 0 else {
            throw ValidationError("--window must be a positive duration such as 7d, 36h or 90m, got \(window)")
        }
        if !(threshold > 0) || !threshold.isFinite { throw ValidationError("--threshold must be a positive number") }
        if bins < 2 { throw ValidationError("--bins must be at least 2") }
    }

    /// The JSON report.
    struct Report: Encodable {
        var window: String
        var threshold: Double
        var models: [DriftMonitor.Report]
        var crossings: Int
    }

    func run() async throws {
        let logger = connection.makeLogger("leadledger.drift")
        let configuration = try engine.resolve(connection)
        let topic = configuration.topics.audit
        let windowMilliseconds = (EngineConfiguration.durationSeconds(window) ?? 0) * 1000
        var baselines: [String: DriftBaseline] = [:]
        if let baseline {
            let data = try Data(contentsOf: URL(fileURLWithPath: baseline))
            do {
                for item in try JSONDecoder().decode([DriftBaseline].self, from: data) { baselines[item.modelVersion] = item }
            } catch {
                throw RuntimeFailure("\(baseline) is not a baseline file written by --write-baseline: \(error)")
            }
        }
        let reader = LogReader(client: configuration.client("leadledger-drift"), logger: logger)
        let featureSets = await ModelOperations(configuration: configuration, logger: logger).featureSets()
        let audit = try await reader.auditDecisions(
            topic: topic, partitions: try await partitions(of: topic, configuration: configuration, logger: logger), collectSamples: true,
            featureSets: featureSets)
        if let writeBaseline {
            var byModel: [String: [DriftSample]] = [:]
            for sample in audit.samples { byModel[sample.modelVersion, default: []].append(sample) }
            let written = byModel.keys.sorted().map { model -> DriftBaseline in
                let samples = byModel[model]!
                let end = samples.map(\.time).max()!
                let from = EventTime(milliseconds: end.milliseconds - windowMilliseconds)
                return DriftBaseline(modelVersion: model, samples: samples.filter { $0.time >= from }, from: from, until: end, bins: bins)
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            try encoder.encode(written).write(to: URL(fileURLWithPath: writeBaseline))
            FileHandle.standardError.write(
                Data("drift: wrote the baselines of \(written.count) model version(s) to \(writeBaseline)\n".utf8))
        }
        let reports = DriftMonitor.reports(
            audit.samples, windowMilliseconds: windowMilliseconds, threshold: threshold, baselines: baselines, bins: bins)
        let crossings = reports.reduce(0) { $0 + $1.crossings.count }
        if publish {
            let records = reports.flatMap { MonitorRecord.crossings($0, threshold: threshold) }
            try await Self.publish(records, topic: monitorTopic, configuration: configuration, logger: logger)
            FileHandle.standardError.write(Data("drift: published \(records.count) record(s) to \(monitorTopic)\n".utf8))
        }
        switch format {
        case .json:
            StandardOutput.write(
                try ReportFormat.snakeCaseJSON(Report(window: window, threshold: threshold, models: reports, crossings: crossings)))
        case .text:
            var text = "drift: \(audit.samples.count) scored decisions in \(topic), window \(window), threshold \(threshold)\n"
            for report in reports {
                text +=
                    "model \(report.modelVersion): window \(report.windowFrom)..\(report.windowUntil) (\(report.samples) decisions) vs baseline \(report.baselineSource) \(report.baselineFrom)..\(report.baselineUntil)"
                    + (report.overlapping ? " (overlapping: the log spans less than two windows)" : "") + "\n"
                var rows = [["variable", "psi", "baseline_n", "window_n", ""]]
                for v in report.variables {
                    rows.append([v.name, Figure.text(v.psi, 4), "\(v.baselineCount)", "\(v.currentCount)", v.crosses ? "ALERT" : ""])
                }
                text += Figure.table(rows)
            }
            text +=
                crossings == 0
                ? "drift: OK: no PSI at or above \(threshold)\n"
                : "drift: ALERT: \(crossings) variable(s) with PSI at or above \(threshold)\n"
            StandardOutput.write(text)
        }
        if crossings > 0 { throw ExitCode(ExitStatus.checkFailed) }
    }

    /// Produces the monitor records (keyed by model version, header `monitor_id`), creating the topic when missing.
    static func publish(_ records: [MonitorRecord], topic: String, configuration: EngineConfiguration, logger: Logger) async throws {
        let admin = try KafkaAdminClient(
            configuration: KafkaAdminConfiguration(bootstrapServers: configuration.brokers, properties: configuration.properties),
            logger: logger)
        let existing = try await admin.listTopics()
        if !existing.contains(where: { $0.name == topic }) {
            let results = try await admin.createTopics([
                KafkaNewTopic(name: topic, partitions: 1, replicationFactor: configuration.replicationFactor)
            ])
            if let failure = results[topic] ?? nil, failure.code != .topicAlreadyExists {
                await admin.close()
                throw RuntimeFailure("cannot create \(topic): \(failure)")
            }
        }
        await admin.close()
        guard !records.isEmpty else { return }
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(
                bootstrapServers: configuration.brokers, clientID: "leadledger-drift", properties: configuration.properties),
            logger: logger)
        for record in records {
            try await producer.enqueue(
                KafkaProducerMessage(
                    topic: topic, key: Array(record.modelVersion.utf8), value: record.bytes,
                    headers: [KafkaHeader(key: "monitor_id", value: Array(record.monitorID.utf8))]))
        }
        try await producer.flush(timeout: .seconds(30))
        let failed = producer.statistics.failed
        await producer.close()
        if failed > 0 { throw RuntimeFailure("delivery failed: \(failed) monitor records were not delivered") }
    }
}
