import ArgumentParser
import Foundation
import Kafka
import LeadLedgerDecisions
import LeadLedgerEngine
import Logging
import Synchronization

/// `leadledger audit verify`: re-derive decisions and compare them with the audit topic.
struct AuditVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Re-derive every decision in a range and compare it byte for byte with the audit topic.",
        discussion:
            "Re-derives with the configured scoring and routing files; compares the audit records (exactly one per applied log event, decision_id from its log partition and offset) and the routing records (one per route change) by decision_id: MISSING (not in the topic), DIFFERS (other bytes), UNEXPECTED (a record whose lineage lies in the range but that the re-derivation does not produce, e.g. a second audit record for one event), EXPIRED (not in the topic because its retention removed the part it was written to: counted, not compared). Prints each difference and exits with status 1 when there is any other than EXPIRED; verify a range the topics still hold with --from-offset. A --from-offset past the end of a log partition is named on stderr and nothing is verified there; past the end of every partition verified it is an error (status 3) that names their ends. --format json prints one object instead (schemas/cli/audit-verify.schema.json). A log decided under a routing cut-over (run --route-from T) needs the same --route-from T. Records are re-derived in the configuration's audit_schema_version (3); a range whose audit records were written as schema_version 2 (before the upgrade) is verified with --audit-schema-version 2 and a --from-offset/--to-offset range inside it; likewise routing records are re-derived in the configuration's routing_schema_version (2), and a range whose routing records were written as schema_version 1 is verified with --routing-schema-version 1.\n\nExamples:\n  leadledger audit verify --config leadledger.yaml\n  leadledger audit verify --config leadledger.yaml --format json\n  leadledger audit verify --config leadledger.yaml --partition 0 --from-offset 1000\n  leadledger audit verify --config leadledger.yaml --jobs 4\n  leadledger audit verify --config leadledger.yaml --route-from 2026-12-01T00:00:00Z\n  leadledger audit verify --config leadledger.yaml --audit-schema-version 2 --to-offset 50000\n  leadledger audit verify --config leadledger.yaml --routing-schema-version 1 --to-offset 50000"
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var engine: EngineOptions

    @Option(help: "Only this canonical-log partition (default: all).")
    var partition: Int32?

    @Option(help: "First log offset to verify.")
    var fromOffset: Int64 = 0

    @Option(help: "Log offset to stop before (default: the end of each partition).")
    var toOffset: Int64?

    @Option(help: "Output: text, or json (schemas/cli/audit-verify.schema.json).")
    var format: ReportFormat = .text

    @OptionGroup var parallelism: JobsOptions
    var jobs: Int { parallelism.jobs }

    @Option(
        help: ArgumentHelp(
            "The audit records' schema_version to re-derive (default: audit_schema_version of the configuration, 3); 2 for a range written before the upgrade to 3.",
            valueName: "2|3"))
    var auditSchemaVersion: Int?

    @Option(
        help: ArgumentHelp(
            "The routing records' schema_version to re-derive (default: routing_schema_version of the configuration, 2); 1 for a range written before the upgrade to 2.",
            valueName: "1|2"))
    var routingSchemaVersion: Int?

    func validate() throws {
        if let auditSchemaVersion, AuditSchema(rawValue: auditSchemaVersion) == nil {
            throw ValidationError("--audit-schema-version must be 2 or 3 (got \(auditSchemaVersion))")
        }
        if let routingSchemaVersion, RoutingSchema(rawValue: routingSchemaVersion) == nil {
            throw ValidationError("--routing-schema-version must be 1 or 2 (got \(routingSchemaVersion))")
        }
    }

    func run() async throws {
        let logger = connection.makeLogger("leadledger.audit")
        var configuration = try engine.resolve(connection)
        if let auditSchemaVersion { configuration.auditSchemaVersion = auditSchemaVersion }
        if let routingSchemaVersion { configuration.routingSchemaVersion = routingSchemaVersion }
        let topics = configuration.topics
        let reader = LogReader(client: configuration.client("leadledger-audit"), logger: logger)
        let logPartitions = try await partitions(
            reaching: fromOffset, option: "--from-offset", of: topics.events,
            partitions: try await partitions(partition, of: topics.events, configuration: configuration, logger: logger), reader: reader,
            what: "verify"
        ).partitions
        let auditPartitions = try await partitions(of: topics.audit, configuration: configuration, logger: logger)
        let store = try await replaySnapshotStore(configuration, from: fromOffset, logger: logger)
        let sealer = try await PrivacySetup.sealer(
            for: configuration, environment: ProcessInfo.processInfo.environment, createTopic: false, logger: logger)
        let replayer = Replayer(
            reader: reader, store: store,
            factory: try configuration.materializeFactory(client: configuration.client("leadledger-audit"), sealer: sealer, logger: logger),
            logger: logger)
        // The partitions are re-derived concurrently, each with its own processor;
        // their results are merged in partition order, so the report is the same for any --jobs.
        let fromOffset = fromOffset
        let toOffset = toOffset
        let derivations = try await logPartitions.concurrentMap(jobs: jobs) { logPartition in
            let box = ExpectedBox()
            let routingBox = ExpectedBox()
            let progress = ProgressReporter(
                label: "re-derive \(topics.events)[\(logPartition)]", total: toOffset.map { Int(max(0, $0 - fromOffset)) })
            let result = try await replayer.replay(
                topic: topics.events, partition: logPartition, from: fromOffset, to: toOffset, progress: progress
            ) { record, outputs in
                box.add(record, outputs, auditTopic: topics.audit)
                routingBox.add(record, outputs, auditTopic: topics.routing)
            }
            progress.finish()
            return (audit: box.value, routing: routingBox.value, end: result.end)
        }
        var expected = AuditVerifier.Expected()
        var expectedRouting = AuditVerifier.Expected()
        var ranges: [AuditVerifyReport.Range] = []
        var scope: [Int32: Range<Int64>] = [:]
        for (logPartition, derivation) in zip(logPartitions, derivations) {
            expected.merge(derivation.audit)
            expectedRouting.merge(derivation.routing)
            ranges.append(AuditVerifyReport.Range(partition: logPartition, from: fromOffset, to: derivation.end))
            scope[logPartition] = fromOffset..<max(fromOffset, derivation.end)
        }
        let verifier = AuditVerifier(reader: reader)
        let routingPartitions = try await partitions(of: topics.routing, configuration: configuration, logger: logger)
        let partitioner = KafkaPartitioner(properties: configuration.client("leadledger-audit").properties)
        let auditDifferences = try await verifier.verify(
            expected, auditTopic: topics.audit, partitions: auditPartitions, scope: scope, partitioner: partitioner, jobs: jobs)
        let routingDifferences = try await verifier.verify(
            expectedRouting, auditTopic: topics.routing, partitions: routingPartitions, scope: scope, partitioner: partitioner,
            jobs: jobs)
        let differences = auditDifferences + routingDifferences
        let failures = differences.filter { $0.kind.failsVerification }
        let expired = differences.count - failures.count
        switch format {
        case .json:
            let report = AuditVerifyReport(
                differences: auditDifferences.map { .init($0, topic: topics.audit) }
                    + routingDifferences.map { .init($0, topic: topics.routing) },
                auditRecords: expected.count, routingRecords: expectedRouting.count, ranges: ranges)
            StandardOutput.write(try ReportFormat.json(report))
        case .text:
            var text = ""
            for difference in failures { text += difference.description + "\n" }
            text +=
                Self.expiredSummary(auditDifferences, topic: topics.audit) + Self.expiredSummary(routingDifferences, topic: topics.routing)
            if failures.isEmpty {
                let partitions = ranges.map { "\($0.partition):\($0.from)..<\($0.to)" }.joined(separator: ", ")
                let compared = expired == 0 ? "" : " (\(expired) expired, not compared)"
                text +=
                    "audit verify: OK: \(expected.count) audit and \(expectedRouting.count) routing records re-derived (log partitions \(partitions)) match \(topics.audit) and \(topics.routing) byte for byte\(compared)\n"
            } else {
                text +=
                    "audit verify: FAILED: \(failures.count) difference(s) among \(expected.count) audit and \(expectedRouting.count) routing records re-derived\n"
                if configuration.routingCutover == nil, let hint = cutoverHint(auditDifferences) { text += hint + "\n" }
            }
            StandardOutput.write(text)
        }
        if !failures.isEmpty { throw ExitCode(ExitStatus.checkFailed) }
    }

    /// One line per log partition for the expired records of a topic (every one is
    /// listed by `--format json`): how many, and the log range they were derived from.
    static func expiredSummary(_ differences: [AuditDifference], topic: String) -> String {
        var ranges: [Int32: (count: Int, first: Int64, last: Int64)] = [:]
        for difference in differences where difference.kind == .expired {
            let known = ranges[difference.logPartition] ?? (0, .max, .min)
            ranges[difference.logPartition] = (
                known.count + 1, min(known.first, difference.logOffset), max(known.last, difference.logOffset)
            )
        }
        return ranges.keys.sorted().map { partition in
            let range = ranges[partition]!
            return
                "EXPIRED \(range.count) record(s) derived from log \(partition)@\(range.first)...\(range.last): \(topic) no longer holds them (retention); not compared\n"
        }.joined()
    }
}
