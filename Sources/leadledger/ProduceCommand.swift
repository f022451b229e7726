import ArgumentParser
import Foundation
import Kafka
import Logging
import ServiceLifecycle

/// `leadledger produce`: one message per stdin line.
struct ProduceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "produce",
        abstract: "Produce one message per line of standard input.",
        discussion: """
            Exits with status 3 when any message was not delivered.

            Examples:
              echo '{"a":1}' | leadledger produce -b localhost:9092 --topic crm.events
              leadledger produce --topic web.events --key-separator '|' \\
                --header source=replay < events.txt
            """
    )

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "Target topic.")
    var topic: String

    @Option(help: "Split each line at the first occurrence into key and value.")
    var keySeparator: String?

    @Option(name: .customLong("header"), help: "A header key=value added to every message (repeatable).")
    var headers: [String] = []

    @Option(help: "Target partition (default: by key hash).")
    var partition: Int32?

    func validate() throws {
        _ = try parseKeyValues(headers, what: "header")
    }

    func run() async throws {
        let logger = connection.makeLogger("leadledger.produce")
        let headerList = try headers.map { pair -> KafkaHeader in
            let parsed = try parseKeyValues([pair], what: "header")
            return KafkaHeader(key: parsed.keys.first!, value: parsed.values.first!)
        }
        let settings = try connection.settings()
        var configuration = KafkaProducerConfiguration(
            bootstrapServers: settings.brokers, clientID: "leadledger-produce", properties: settings.properties)
        configuration.shutdownFlushTimeout = .seconds(30)
        let producer = try KafkaProducer(configuration: configuration, logger: logger)
        let pump = StdinPump(producer: producer, topic: topic, partition: partition, keySeparator: keySeparator, headers: headerList)
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: producer),
                    .init(service: pump, successTerminationBehavior: .gracefullyShutdownGroup),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            ))
        try await group.run()
        let stats = producer.statistics
        FileHandle.standardError.write(Data("produced \(stats.delivered) messages to \(topic), \(stats.failed) failed\n".utf8))
        if stats.failed > 0 {
            throw RuntimeFailure(
                "delivery failed: \(stats.failed) messages were not delivered to \(topic)\(stats.lastError.map { " (last error: \($0))" } ?? "")"
            )
        }
    }
}
