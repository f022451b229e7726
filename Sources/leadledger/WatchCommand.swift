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
        routing decisions with tier, queue, owner, score and top reasons; audit
        records (one per applied log event) with the event, the primary lead's
        tier and score, how many further leads the event decided, and the lineage. Stops
        after --max lines or when nothing arrived for --idle seconds.
        """
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var engine: EngineOptions

    @Option(help: "Stop after this many lines.")
    var max: Int = 50

    @Option(help: "Stop after this many seconds without a new record.")
    var idle: Double = 10

    @Flag(help: "Only routing decisions (no audit records).")
    var routingOnly = false

    func run() async throws {
        let logger = connection.makeLogger("leadledger.watch")
        let configuration = try engine.resolve(connection)
        let topics = configuration.topics
        let consumer = try KafkaConsumer(configuration: KafkaConsumerConfiguration(bootstrapServers: configuration.brokers, clientID: "leadledger-watch", properties: configuration.properties), logger: logger)
        var assignment: [KafkaTopicPartitionOffset] = []
        for topic in routingOnly ? [topics.routing] : [topics.routing, topics.audit] {
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

    /// `"feature=value (+0.42)"` for each reason object (or its text), joined by "; ".
    /// A one-hot feature (`title=Unemployed`) reads as itself when its value is 1
    /// and as `title!=Unemployed` when it is 0: a standardized model gives an
    /// absent category a contribution too, and the line must not read as if the
    /// lead had it. A missing value reads `feature=null`. The gate rule that set
    /// the tier (`"kind": "gate"`, always first) reads `rule (gate)`.
    static func reasons(_ value: Any?, limit: Int = 3) -> String {
        let items = (value as? [Any] ?? []).prefix(limit).map { item -> String in
            guard let reason = item as? [String: Any] else { return "\(item)" }
            let feature = reason["feature"] as? String ?? "?"
            if reason["kind"] as? String == "gate" { return feature + " (gate)" }
            guard let contribution = reason["contribution"] as? Double else { return feature }
            return label(feature, reason["value"]) + String(format: " (%+.2f)", contribution)
        }
        return items.isEmpty ? "-" : items.joined(separator: "; ")
    }

    /// `feature=value`, or a one-hot feature's category test (see ``reasons(_:limit:)``).
    static func label(_ feature: String, _ value: Any?) -> String {
        guard let v = value as? Double else { return value is NSNull ? feature + "=null" : feature }
        if let eq = feature.firstIndex(of: "=") {
            return v == 0 ? feature[..<eq] + "!=" + feature[feature.index(after: eq)...] : feature
        }
        let text = v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(format: "%.2f", v)
        return feature + "=" + text
    }

    /// One readable line for a routing or audit record (Decider format, docs/decisions.md).
    static func line(_ message: KafkaConsumerMessage, routingTopic: String) -> String {
        guard let json = try? JSONSerialization.jsonObject(with: Data(message.value)) as? [String: Any] else {
            return "\(message.topic)[\(message.partition)]@\(message.offset) (not JSON)"
        }
        let lineage = json["lineage"] as? [String: Any] ?? [:]
        let log = lineage["log"] as? [String: Any] ?? [:], sourcePosition = lineage["source"] as? [String: Any] ?? [:]
        let source = "log[\(log["partition"] ?? "?")]@\(log["offset"] ?? "?") <- \(sourcePosition["topic"] ?? "?")[\(sourcePosition["partition"] ?? "?")]@\(sourcePosition["offset"] ?? "?")"
        let lead = json["lead_id"] as? String ?? "-"
        let account = json["account_id"] as? String ?? "-"
        let time = json["event_time"] as? String ?? "?"
        if message.topic == routingTopic {
            let change = (json["change"] as? String).map { " (\($0))" } ?? ""
            return "ROUTE \(time) \(lead) [\(account)] -> \(json["tier"] ?? "?")\(change) queue=\(json["queue"] ?? "-") owner=\(json["owner_id"] as? String ?? "-") score=\(json["score"] ?? "?") because \(reasons(json["reasons"])) [\(json["decision_id"] ?? "?") \(source)]"
        }
        let tier = (json["tier"] as? String).map { "tier=\($0) score=\(json["score"] ?? "?")" } ?? "no lead decided"
        let routed = (json["route_changed"] as? Bool) == true ? " route-changed" : ""
        let further = (json["further_decisions"] as? [Any])?.count ?? 0
        let more = further > 0 ? " +\(further) further decision\(further == 1 ? "" : "s")" : ""
        return "AUDIT \(time) \(lead) [\(account)] \(json["event_kind"] ?? "?") \(tier)\(routed)\(more) [\(json["decision_id"] ?? "?") \(source)]"
    }
}
