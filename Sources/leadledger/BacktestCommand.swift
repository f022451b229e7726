import ArgumentParser
import Foundation
import LeadLedgerAnalytics
import LeadLedgerCore
import LeadLedgerDecisions
import LeadLedgerEngine
import Synchronization

/// `leadledger backtest`: what a candidate scoring configuration would have decided.
struct BacktestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Replay the log with a candidate configuration and compare its decisions with the decisions on record.",
        discussion: """
            --candidate DIR holds scoring.yaml (and the artifacts it names) and
            optionally routing.yaml (else the configured routing file is used).
            --candidate VERSION names a registered model (leadledger models list):
            it is loaded from the registry (or the model store) as `models show`
            loads it, with the configured routing file. A path that exists is
            always taken as a directory; an argument that is neither an existing
            path nor a registered version is an error (exit status 3). Every
            log partition is replayed from offset 0 with the candidate (no snapshot:
            a snapshot holds the recorded model's state); nothing is produced to any
            topic. The decisions on record come from the audit topic. The range is
            --from-offset/--to-offset (log offsets, every partition) or --since/--until
            (RFC 3339 event time of the decisions); a --from-offset past the end of
            every log partition is an error (status 3). Printed: the tier transition matrix
            of each lead's last decision in the range, the share of leads whose tier and
            owner change, and, on leads with an outcome, AUC, precision at the
            sales-ready cut, ECE and conversion by tier of both sides (each side's
            last decision before the outcome). Progress with rate and ETA goes to
            standard error. Definitions: docs/lifecycle.md.
            --rules FILE|VERSION routes the candidate by other rules: a routing YAML
            file (an existing path) or a registered rule set (leadledger rules list);
            without --candidate the configured model decides, so the backtest
            compares the rules alone. An argument that is neither is an error
            (unknown_ruleset_version, exit status 3).

            Examples:
              leadledger backtest --config leadledger.yaml --candidate model/
              leadledger backtest --config leadledger.yaml --candidate 0123456789abcdef --format json
              leadledger backtest --config leadledger.yaml --candidate model/ \\
                --since 2026-11-01T00:00:00Z --until 2026-11-08T00:00:00Z --format json --out backtest.json
              leadledger backtest --config leadledger.yaml --rules pilot-routing.yaml
              leadledger backtest --config leadledger.yaml --candidate model/ --rules 0123456789abcdef
            """
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var engine: EngineOptions

    @Option(help: "The candidate: a directory with scoring.yaml (and optionally routing.yaml), or a registered model version.")
    var candidate: String?

    @Option(help: "Candidate routing rules: a routing YAML file, or a registered rule set version (default: the candidate's).")
    var rules: String?

    @Option(help: "First log offset of the compared range (every partition).")
    var fromOffset: Int64?

    @Option(help: "Log offset to stop before (every partition; default: the end).")
    var toOffset: Int64?

    @Option(help: "Only decisions at or after this event time (RFC 3339).")
    var since: String?

    @Option(help: "Only decisions before this event time (RFC 3339).")
    var until: String?

    @Option(help: "Output: text, or json (one object).")
    var format: ReportFormat = .text

    @Option(help: "Also write the JSON report to this file.")
    var out: String?

    @OptionGroup var parallelism: JobsOptions
    var jobs: Int { parallelism.jobs }

    func validate() throws {
        if candidate == nil && rules == nil { throw ValidationError("give a candidate model (--candidate), rules (--rules) or both") }
        if (fromOffset != nil || toOffset != nil) && (since != nil || until != nil) {
            throw ValidationError("give a range by offsets (--from-offset/--to-offset) or by time (--since/--until), not both")
        }
        if let fromOffset, fromOffset < 0 { throw ValidationError("--from-offset must not be negative") }
        if let toOffset, toOffset < (fromOffset ?? 0) { throw ValidationError("--to-offset must not be below --from-offset") }
        _ = try KPIsCommand.time(since, "--since")
        _ = try KPIsCommand.time(until, "--until")
    }

    /// The JSON report.
    struct Report: Encodable {
        /// The --candidate argument (nil: the configured model).
        var candidate: String?
        /// The --rules argument (nil: the candidate's rules).
        var rules: String?
        var candidateSource: BacktestCandidate.Source
        var candidateModelVersion: String
        var candidateRulesetVersion: String
        var recordModelVersions: [String]
        var logEvents: Int
        var recordAuditRecords: Int
        var candidateAuditRecords: Int
        var comparison: BacktestComparison
        var tierChangedShare: Double?
        var queueChangedShare: Double?
        var ownerChangedShare: Double?
    }

    func run() async throws {
        let logger = connection.makeLogger("leadledger.backtest")
        let configuration = try engine.resolve(connection)
        let topics = configuration.topics
        var resolved = try await BacktestCandidate.resolve(candidate, configuration: configuration, logger: logger)
        if let rules { resolved.decisions = try await resolved.routed(by: rules, configuration: configuration, logger: logger) }
        let decisions = resolved.decisions
        let since = try KPIsCommand.time(since, "--since")
        let until = try KPIsCommand.time(until, "--until")
        let from = fromOffset ?? 0
        let to = toOffset
        let keep: @Sendable (AuditDecisions.LogPosition, EventTime) -> Bool = { position, time in
            position.offset >= from && (to.map { position.offset < $0 } ?? true) && (since.map { time >= $0 } ?? true)
                && (until.map { time < $0 } ?? true)
        }
        let reader = LogReader(client: configuration.client("leadledger-backtest"), logger: logger)
        let logPartitions = try await partitions(of: topics.events, configuration: configuration, logger: logger)
        // Every partition is replayed from offset 0 (the range only selects what is
        // compared), but a range that starts past the end of every one compares nothing.
        _ = try await partitions(
            reaching: from, option: "--from-offset", of: topics.events, partitions: logPartitions, reader: reader, what: "compare")

        // The decisions on record, and from them the number of log events per partition (one audit record each): the ETA's total.
        let recordProgress = ProgressReporter(label: "backtest: read \(topics.audit)", total: nil)
        let record = try await reader.auditDecisions(
            topic: topics.audit, partitions: try await partitions(of: topics.audit, configuration: configuration, logger: logger),
            collectSamples: false, progress: recordProgress)
        recordProgress.finish()
        let events = record.logEnds
        let recordInRange = record.decisions.filter {
            keep(AuditDecisions.LogPosition(partition: $0.logPartition, offset: $0.logOffset), $0.time)
        }

        // Replay with the candidate: every output is discarded except the re-derived audit records.
        let replayer = Replayer(
            reader: reader, store: nil, factory: MaterializeFactory(topics: topics, decider: Decider(decisions)), logger: logger)
        let total = logPartitions.reduce(0) { sum, p in sum + Int(min(to ?? Int64.max, events[p] ?? 0)) }
        let progress = ProgressReporter(label: "backtest: replay \(topics.events) with the candidate", total: total)
        let collected = CandidateBox()
        // The partitions replay concurrently, --jobs at a time: each has its own processor,
        // and the box takes their outputs under a lock.
        let logEvents = try await logPartitions.concurrentMap(jobs: jobs) { partition in
            try await replayer.replay(topic: topics.events, partition: partition, from: 0, to: to, progress: progress) {
                record, outputs in
                collected.add(record, outputs, auditTopic: topics.audit, keep: keep)
            }.derived
        }.reduce(0, +)
        progress.finish()
        // Outcomes after the range still label the leads decided in it.
        if let to {
            for partition in logPartitions {
                try await reader.read(topic: topics.events, partition: partition, from: to, to: nil) { records in
                    for record in records { collected.addOutcome(record) }
                }
            }
        }
        var state = collected.value
        state.audit.sort()
        let comparison = BacktestComparison(record: recordInRange, candidate: state.audit.decisions, ledger: state.ledger)
        let report = Report(
            candidate: candidate, rules: rules, candidateSource: resolved.source, candidateModelVersion: decisions.modelVersion,
            candidateRulesetVersion: decisions.rulesetVersion,
            recordModelVersions: Array(Set(recordInRange.map(\.modelVersion))).sorted(), logEvents: logEvents,
            recordAuditRecords: record.records, candidateAuditRecords: state.audit.records, comparison: comparison,
            tierChangedShare: comparison.tierChangedShare, queueChangedShare: comparison.queueChangedShare,
            ownerChangedShare: comparison.ownerChangedShare)
        let json = try ReportFormat.snakeCaseJSON(report)
        if let out { try Data(json.utf8).write(to: URL(fileURLWithPath: out)) }
        switch format {
        case .json: StandardOutput.write(json)
        case .text: StandardOutput.write(Self.text(report))
        }
    }

    static func text(_ r: Report) -> String {
        let c = r.comparison
        var text =
            "backtest: candidate \(r.candidate ?? "configured model")\(r.rules.map { " with rules \($0)" } ?? "") (\(r.candidateSource == .registry ? "registered " : "")model \(r.candidateModelVersion), ruleset \(r.candidateRulesetVersion)) vs record (model \(r.recordModelVersions.joined(separator: ", ")))\n"
        text += "log events replayed: \(r.logEvents); leads decided: \(c.leads) (\(c.bothSides) on both sides)\n"
        text +=
            "tier changed: \(c.tierChanged) (\(Figure.percent(c.tierChangedShare))), queue changed: \(c.queueChanged) (\(Figure.percent(c.queueChangedShare))), owner changed: \(c.ownerChanged) (\(Figure.percent(c.ownerChangedShare)))\n"
        let froms = Array(Set(c.transitions.map(\.from))).sorted()
        let tos = Array(Set(c.transitions.map(\.to))).sorted()
        var rows = [["record \\ candidate"] + tos]
        for from in froms {
            rows.append([from] + tos.map { to in "\(c.transitions.first { $0.from == from && $0.to == to }?.leads ?? 0)" })
        }
        text += Figure.table(rows)
        text += "leads with outcomes: \(c.labelled) (\(c.converted) converted)\n"
        var figures = [["", "record", "candidate"]]
        figures.append(["AUC", Figure.text(c.record.auc, 4), Figure.text(c.candidate.auc, 4)])
        figures.append([
            "precision@sales_ready", "\(Figure.percent(c.record.precisionAtSalesReady)) of \(c.record.salesReady)",
            "\(Figure.percent(c.candidate.precisionAtSalesReady)) of \(c.candidate.salesReady)",
        ])
        figures.append(["ECE", Figure.text(c.record.ece, 4), Figure.text(c.candidate.ece, 4)])
        let tiers = Array(Set(c.record.byTier.map(\.tier) + c.candidate.byTier.map(\.tier))).sorted()
        for tier in tiers {
            func cell(_ side: BacktestComparison.SideFigures) -> String {
                guard let t = side.byTier.first(where: { $0.tier == tier }) else { return "-" }
                return "\(t.converted)/\(t.leads) (\(Figure.percent(t.rate)))"
            }
            figures.append(["conversion \(tier)", cell(c.record), cell(c.candidate)])
        }
        text += Figure.table(figures)
        return text
    }
}
