import ArgumentParser
import Foundation
import Kafka
import LeadLedgerDecisions
import LeadLedgerEngine
import Logging
import Synchronization

/// `leadledger replay`: rebuild log partitions' state and re-derive their outputs.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Rebuild log partitions' state and re-derive the decisions of an offset range.",
        discussion: """
            The state before --from-offset is rebuilt from the nearest snapshot at or
            before it (else from offset 0) without output; the records of
            --from-offset..<--to-offset (default: to the end of the partition) are
            then re-derived and printed, one `topic<TAB>key<TAB>value` line per
            output, or produced again with --emit (byte-identical to the originals:
            consumers deduplicate by decision_id). Without --partition every
            partition of the log is replayed, --jobs at a time, and printed in
            partition order. A --from-offset past the end of a partition is named on
            stderr and nothing is replayed there; past the end of every partition
            replayed it is an error (status 3) that names their ends.

            Examples:
              leadledger replay --config leadledger.yaml --partition 2 \\
                --from-offset 1000 --to-offset 1100
              leadledger replay --config leadledger.yaml --partition 2 \\
                --from-offset 1000 --emit
              leadledger replay --config leadledger.yaml --jobs 2 > outputs.tsv
            """
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var engine: EngineOptions

    @Option(help: "The canonical-log partition (default: every partition).")
    var partition: Int32?

    @Option(help: "First offset to re-derive (in every partition replayed).")
    var fromOffset: Int64 = 0

    @Option(help: "Offset to stop before (default: the end of the partition).")
    var toOffset: Int64?

    @OptionGroup var parallelism: JobsOptions
    var jobs: Int { parallelism.jobs }

    @Flag(help: "Produce the re-derived outputs to their topics instead of printing them.")
    var emit = false

    /// A record value as one line: the records' own trailing newline is dropped, so each output is one line.
    static func line(_ value: [UInt8]) -> String {
        String(decoding: value.last == UInt8(ascii: "\n") ? value.dropLast() : value[...], as: UTF8.self)
    }

    func run() async throws {
        let logger = connection.makeLogger("leadledger.replay")
        let configuration = try engine.resolve(connection)
        let topic = configuration.topics.events
        let reader = LogReader(client: configuration.client("leadledger-replay"), logger: logger)
        let (logPartitions, ends) = try await partitions(
            reaching: fromOffset, option: "--from-offset", of: topic,
            partitions: try await partitions(partition, of: topic, configuration: configuration, logger: logger), reader: reader,
            what: "replay")
        let store = try await replaySnapshotStore(configuration, from: fromOffset, logger: logger)
        let sealer = try await PrivacySetup.sealer(
            for: configuration, environment: ProcessInfo.processInfo.environment, createTopic: false, logger: logger)
        let replayer = Replayer(
            reader: reader, store: store,
            factory: try configuration.materializeFactory(
                client: configuration.client("leadledger-replay"), sealer: sealer, logger: logger),
            logger: logger)
        let producer =
            emit
            ? try KafkaProducer(
                configuration: KafkaProducerConfiguration(
                    bootstrapServers: configuration.brokers, clientID: "leadledger-replay", properties: configuration.properties),
                logger: logger) : nil
        // Partitions are replayed concurrently, each with its own processor; printed
        // output comes out in partition order whatever finishes first.
        let output = emit ? nil : try OrderedPartitionOutput(count: logPartitions.count)
        let fromOffset = fromOffset
        let toOffset = toOffset
        let total = toOffset.map { Int(max(0, $0 - fromOffset)) }
        let results = try await Array(logPartitions.indices).concurrentMap(jobs: jobs) { index in
            let progress = ProgressReporter(label: "replay \(topic)[\(logPartitions[index])]", total: total)
            let result = try await replayer.replay(
                topic: topic, partition: logPartitions[index], from: fromOffset, to: toOffset, progress: progress
            ) { _, outputs in
                if let producer {
                    for output in outputs {
                        try await producer.enqueue(
                            KafkaProducerMessage(
                                topic: output.topic, partition: output.partition, key: output.key, value: output.value,
                                headers: output.headers))
                    }
                } else if let output, !outputs.isEmpty {
                    var text = ""
                    for output in outputs {
                        text +=
                            "\(output.topic)\t\(output.key.map { String(decoding: $0, as: UTF8.self) } ?? "")\t\(Self.line(output.value))\n"
                    }
                    try output.write(text, at: index)
                }
            }
            progress.finish()
            try output?.finish(at: index)
            return result
        }
        if let producer {
            try await producer.flush(timeout: .seconds(60))
            let failed = producer.statistics.failed
            await producer.close()
            if failed > 0 { throw RuntimeFailure("delivery failed: \(failed) re-derived outputs were not delivered") }
        }
        for (partition, result) in zip(logPartitions, results) {
            let origin = result.restoredFrom.map { "snapshot at \($0)" } ?? "offset 0"
            let summary =
                ends[partition] == fromOffset
                ? "the range is empty (the partition ends at offset \(fromOffset))"
                : "\(result.derived) records re-derived (state rebuilt from \(origin), \(result.warmup) records without output)"
            FileHandle.standardError.write(Data("replayed \(topic)[\(partition)] \(fromOffset)..<\(result.end): \(summary)\n".utf8))
        }
    }
}
