import ArgumentParser
import Foundation
import Kafka
import LeadLedgerEngine
import Logging
import ServiceLifecycle
import Synchronization

/// `leadledger consume`: print messages of a topic, as a group member or from an
/// explicit partition and offset.
struct ConsumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consume",
        abstract: "Print messages from a topic.",
        discussion: """
            With --group the command joins the consumer group, commits the offsets of
            printed messages, and commits again when partitions are revoked or on
            SIGINT/SIGTERM. Without --group it reads --partition (default: all
            partitions) from --offset and commits nothing. A numeric --offset past the
            end of a partition is named on stderr and that partition is not read; past
            the end of every partition it is an error (status 3) that names their ends.

            --format text prints topic[partition]@offset, key and value separated by
            tabs (control characters escaped when stdout is a terminal). --format
            jsonl prints one JSON object per message; key, value and header values
            are text with key_encoding/value_encoding "utf8" when their bytes are
            UTF-8, else base64 with "base64" (as kcat -J), so nothing is lost.

            Examples:
              leadledger consume -b localhost:9092 --topic leadledger.routing \\
                --exit-at-end
              leadledger consume --topic leadledger.dlq --format jsonl --max-messages 10
              leadledger consume --topic crm.events --group audit-tap \\
                --client-config client.properties
            """
    )

    enum Format: String, ExpressibleByArgument {
        case text, jsonl
    }

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "Topic to read (repeatable with --group).")
    var topic: [String]

    @Option(help: "Consumer group id.")
    var group: String?

    @Option(help: "Partition to read without a group (default: all).")
    var partition: Int32?

    @Option(help: "Start offset without a group: beginning, end, or a number.")
    var offset: String = "beginning"

    @Option(help: "Output format: text, or jsonl (one JSON object per message; schemas/cli/consume.schema.json).")
    var format: Format = .text

    @Option(help: "Stop after this many messages.")
    var maxMessages: Int?

    @Flag(help: "Stop when every assigned partition has reached its end.")
    var exitAtEnd = false

    @Option(help: "session.timeout.ms (Tansu completes joins after half of it).")
    var sessionTimeoutMs: Int = 45_000

    @Option(help: "Assignment strategy: cooperative-sticky, range, roundrobin.")
    var assignmentStrategy: String = "cooperative-sticky"

    func validate() throws {
        if topic.isEmpty { throw ValidationError("--topic is required") }
        if group == nil && topic.count > 1 { throw ValidationError("without --group, give exactly one --topic") }
        if group != nil && partition != nil { throw ValidationError("--partition is for reading without --group") }
        if KafkaConsumerConfiguration.AssignmentStrategy(rawValue: assignmentStrategy) == nil {
            throw ValidationError("unknown assignment strategy \(assignmentStrategy)")
        }
        _ = try parseOffset(offset)
        if let maxMessages, maxMessages < 1 { throw ValidationError("--max-messages must be at least 1") }
    }

    func run() async throws {
        let logger = connection.makeLogger("leadledger.consume")
        let settings = try connection.settings()
        var configuration = KafkaConsumerConfiguration(
            bootstrapServers: settings.brokers,
            groupID: group,
            clientID: "leadledger-consume",
            properties: settings.properties
        )
        configuration.sessionTimeout = .milliseconds(sessionTimeoutMs)
        configuration.enablePartitionEOF = exitAtEnd
        configuration.assignmentStrategy = KafkaConsumerConfiguration.AssignmentStrategy(rawValue: assignmentStrategy)!
        configuration.closeTimeout = .seconds(15)

        let progress = Progress()
        let isGroup = group != nil
        let consumer = try KafkaConsumer(configuration: configuration, logger: logger) { event in
            guard isGroup else { return }
            switch event {
            case .assigned(let partitions):
                logger.info("assigned \(partitions.map(\.description).joined(separator: ","))")
            case .revoked(let partitions), .lost(let partitions):
                let offsets = progress.processed(of: partitions)
                logger.info("revoked \(partitions.map(\.description).joined(separator: ",")); committing \(offsets)")
                do {
                    // `consumer` is not captured (it does not exist yet): commit through the hand-over box.
                    try await progress.consumer?.commit(offsets)
                } catch {
                    logger.warning("commit on revoke failed: \(error)")
                }
            }
        }
        progress.consumer = consumer

        if let group {
            logger.info("joining group \(group)")
            try consumer.subscribe(topics: topic)
        } else {
            let start = try parseOffset(offset)
            var ids = try await partitions(
                partition, of: topic[0], brokers: settings.brokers, properties: settings.properties, logger: logger)
            if case .offset(let from) = start {
                // A partition that ends before the offset is left out: a fetch there would
                // wait for ever (Tansu) or start again at the beginning (Kafka).
                let reader = LogReader(
                    client: KafkaClientSettings(
                        bootstrapServers: settings.brokers, clientID: "leadledger-consume", properties: settings.properties),
                    logger: logger)
                ids = try await partitions(reaching: from, option: "--offset", of: topic[0], partitions: ids, reader: reader, what: "print")
                    .partitions
            }
            try consumer.assign(ids.map { KafkaTopicPartitionOffset(topic: topic[0], partition: $0, offset: start) })
        }

        let printer = Printer(
            consumer: consumer, progress: progress, format: format, maxMessages: maxMessages, exitAtEnd: exitAtEnd, commit: isGroup,
            logger: logger)
        let serviceGroup = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: consumer),
                    .init(service: printer, successTerminationBehavior: .gracefullyShutdownGroup),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            ))
        try await serviceGroup.run()
        logger.info("consumed \(progress.count) messages")
    }

    private func parseOffset(_ text: String) throws -> KafkaOffset {
        switch text {
        case "beginning", "earliest": return .beginning
        case "end", "latest": return .end
        case "stored": return .stored
        default:
            guard let value = Int64(text), value >= 0 else { throw ValidationError("bad --offset \(text)") }
            return .offset(value)
        }
    }
}
