import ArgumentParser
import Foundation
import Kafka
import LeadLedgerDecisions
import LeadLedgerEngine
import Logging
import Synchronization

/// `leadledger replay`: rebuild a log partition's state and re-derive its outputs.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Rebuild a log partition's state and re-derive the decisions of an offset range.",
        discussion: """
            The state before --from-offset is rebuilt from the nearest snapshot at or
            before it (else from offset 0) without output; the records of
            --from-offset..<--to-offset (default: to the end of the partition) are
            then re-derived and printed, one `topic<TAB>key<TAB>value` line per
            output, or produced again with --emit (byte-identical to the originals:
            consumers deduplicate by decision_id).

            Examples:
              leadledger replay --config leadledger.yaml --partition 2 \\
                --from-offset 1000 --to-offset 1100
              leadledger replay --config leadledger.yaml --partition 2 \\
                --from-offset 1000 --emit
            """
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var engine: EngineOptions

    @Option(help: "The canonical-log partition.")
    var partition: Int32

    @Option(help: "First offset to re-derive.")
    var fromOffset: Int64 = 0

    @Option(help: "Offset to stop before (default: the end of the partition).")
    var toOffset: Int64?

    @Flag(help: "Produce the re-derived outputs to their topics instead of printing them.")
    var emit = false

    func run() async throws {
        let logger = connection.makeLogger("leadledger.replay")
        let configuration = try engine.resolve(connection)
        let reader = LogReader(client: configuration.client("leadledger-replay"), logger: logger)
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
        let total = toOffset.map { Int(max(0, $0 - fromOffset)) }
        let progress = ProgressReporter(label: "replay \(configuration.topics.events)[\(partition)]", total: total)
        let result = try await replayer.replay(
            topic: configuration.topics.events, partition: partition, from: fromOffset, to: toOffset, progress: progress
        ) { _, outputs in
            if let producer {
                for output in outputs {
                    try await producer.enqueue(
                        KafkaProducerMessage(
                            topic: output.topic, partition: output.partition, key: output.key, value: output.value, headers: output.headers)
                    )
                }
            } else if !outputs.isEmpty {
                var text = ""
                for output in outputs {
                    text +=
                        "\(output.topic)\t\(output.key.map { String(decoding: $0, as: UTF8.self) } ?? "")\t\(String(decoding: output.value, as: UTF8.self))\n"
                }
                StandardOutput.write(text)
            }
        }
        progress.finish()
        if let producer {
            try await producer.flush(timeout: .seconds(60))
            let failed = producer.statistics.failed
            await producer.close()
            if failed > 0 { throw RuntimeFailure("delivery failed: \(failed) re-derived outputs were not delivered") }
        }
        let origin = result.restoredFrom.map { "snapshot at \($0)" } ?? "offset 0"
        FileHandle.standardError.write(
            Data(
                "replayed \(configuration.topics.events)[\(partition)] \(fromOffset)..<\(result.end): \(result.derived) records re-derived (state rebuilt from \(origin), \(result.warmup) records without output)\n"
                    .utf8))
    }
}
