import ArgumentParser
import Foundation
import Kafka
import LeadLedgerEngine
import Logging

/// `leadledger watch`: routing decisions and audit records as one readable line each.
struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Follow the routing and audit topics, one readable line per decision.",
        discussion: """
        Reads every partition of the routing and audit topics from the beginning
        (no consumer group, nothing committed) and prints one line per record:
        routing decisions with tier, queue, owner, score and reasons; audit
        records with the event, its projection effects and its lineage. Stops
        after --max lines or when nothing arrived for --idle seconds.
        """
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var engine: EngineOptions

    @Option(help: "Stop after this many lines.")
    var max: Int = 50

    @Option(help: "Stop after this many seconds without a new record.")
    var idle: Double = 10

    func run() async throws {
        let logger = connection.makeLogger("leadledger.watch")
        let configuration = try engine.resolve(connection)
        let topics = configuration.topics
        let consumer = try KafkaConsumer(configuration: KafkaConsumerConfiguration(bootstrapServers: configuration.brokers, clientID: "leadledger-watch", properties: configuration.properties), logger: logger)
        var assignment: [KafkaTopicPartitionOffset] = []
        for topic in [topics.routing, topics.audit] {
            for partition in try await partitions(of: topic, configuration: configuration, logger: logger) {
                assignment.append(KafkaTopicPartitionOffset(topic: topic, partition: partition, offset: .beginning))
            }
        }
        try consumer.assign(assignment)
        var printed = 0
        let idleLimit = idle
        let watchdog = Task {
            try await Task.sleep(for: .seconds(idleLimit))
            await consumer.close()
        }
        var lastWatchdog = watchdog
        loop: for try await event in consumer.events {
            guard case .messages(let messages) = event else { continue }
            lastWatchdog.cancel()
            var text = ""
            for message in messages {
                text += Self.line(message, routingTopic: topics.routing) + "\n"
                printed += 1
                if printed >= max { break }
            }
            StandardOutput.write(text)
            if printed >= max { break loop }
            lastWatchdog = Task {
                try await Task.sleep(for: .seconds(idleLimit))
                await consumer.close()
            }
        }
        lastWatchdog.cancel()
        await consumer.close()
    }

    static func line(_ message: KafkaConsumerMessage, routingTopic: String) -> String {
        guard let json = try? JSONSerialization.jsonObject(with: Data(message.value)) as? [String: Any] else {
            return "\(message.topic)[\(message.partition)]@\(message.offset) (not JSON)"
        }
        let lineage = json["lineage"] as? [String: Any] ?? [:]
        let source = "\(lineage["source_topic"] ?? "?")[\(lineage["source_partition"] ?? "?")]@\(lineage["source_offset"] ?? "?")"
        let lead = json["lead_id"] as? String ?? "-"
        let account = json["account_id"] as? String ?? "-"
        if message.topic == routingTopic {
            let reasons = (json["reasons"] as? [Any] ?? []).map { "\($0)" }.joined(separator: "; ")
            return "ROUTE \(lead) (\(account)) -> \(json["tier"] ?? "?") queue=\(json["queue"] ?? "-") owner=\(json["owner_id"] ?? "-") score=\(json["score"] ?? "?") because \(reasons) [\(json["decision_id"] ?? "?") <- \(source)]"
        }
        let effects = (json["effects"] as? [[String: Any]] ?? []).map { $0["effect"] as? String ?? "?" }.joined(separator: ",")
        let decision = (json["decision"] as? [String: Any]).map { "tier=\($0["tier"] ?? "?")" } ?? "no decision step"
        return "AUDIT \(lead) (\(account)) \(json["event_kind"] ?? "?") [\(effects)] \(decision) [\(json["decision_id"] ?? "?") <- \(source)]"
    }
}
