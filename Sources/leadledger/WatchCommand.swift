import ArgumentParser
import Foundation
import Kafka
import LeadLedgerDecisions
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
            after --max-messages lines or when nothing arrived for --idle seconds.
            Control characters in the records (ids, names) are printed escaped.

            Examples:
              leadledger watch --config leadledger.yaml --routing-only --max-messages 20
              leadledger watch -b kafka:9092 --idle 60
            """
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var engine: EngineOptions

    @Option(help: "Stop after this many lines (default: 50).")
    var maxMessages: Int?

    /// The spelling before `--max-messages` (as `consume` has it), kept for one release.
    @Option(name: .customLong("max"), help: .hidden)
    var legacyMax: Int?

    func validate() throws {
        if maxMessages != nil && legacyMax != nil { throw ValidationError("give --max-messages once (--max is its old name)") }
        if let limit = maxMessages ?? legacyMax, limit < 1 { throw ValidationError("--max-messages must be at least 1") }
        if !(idle.isFinite && idle > 0) { throw ValidationError("--idle must be a positive number of seconds") }
    }

    @Option(help: "Stop after this many seconds without a new record.")
    var idle: Double = 10

    @Flag(help: "Only routing decisions (no audit records).")
    var routingOnly = false

    func run() async throws {
        let logger = connection.makeLogger("leadledger.watch")
        let configuration = try engine.resolve(connection)
        let topics = configuration.topics
        let consumer = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(
                bootstrapServers: configuration.brokers, clientID: "leadledger-watch", properties: configuration.properties), logger: logger
        )
        var assignment: [KafkaTopicPartitionOffset] = []
        for topic in routingOnly ? [topics.routing] : [topics.routing, topics.audit] {
            for partition in try await partitions(of: topic, configuration: configuration, logger: logger) {
                assignment.append(KafkaTopicPartitionOffset(topic: topic, partition: partition, offset: .beginning))
            }
        }
        try consumer.assign(assignment)
        let max = maxMessages ?? legacyMax ?? 50
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
                text += TerminalText.escapingControls(Self.line(message, routingTopic: topics.routing)) + "\n"
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

    /// `"feature=value (+0.42)"` for each reason, joined by "; ".
    /// A one-hot feature (`title=Unemployed`) reads as itself when its value is 1
    /// and as `title!=Unemployed` when it is 0: a standardized model gives an
    /// absent category a contribution too, and the line must not read as if the
    /// lead had it. A missing value reads `feature=null`. The gate rule that set
    /// the tier (kind `rule` or `disqualifier`, always first) reads `rule (gate)`.
    static func reasons(_ reasons: [RecordReason], limit: Int = 3) -> String {
        let items = reasons.prefix(limit).map { reason -> String in
            if reason.isGateRule { return reason.feature + " (gate)" }
            return label(reason.feature, reason.value) + String(format: " (%+.2f)", reason.contribution)
        }
        return items.isEmpty ? "-" : items.joined(separator: "; ")
    }

    /// `feature=value`, or a one-hot feature's category test (see ``reasons(_:limit:)``).
    static func label(_ feature: String, _ value: RecordReason.Value?) -> String {
        let v: Double
        switch value {
        case .number(let d)?: v = d
        case .null?: return feature + "=null"
        default: return feature
        }
        if let eq = feature.firstIndex(of: "=") {
            return v == 0 ? feature[..<eq] + "!=" + feature[feature.index(after: eq)...] : feature
        }
        let text = v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(format: "%.2f", v)
        return feature + "=" + text
    }

    /// A record's number as written: integral values without a fraction.
    static func number(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v)
    }

    /// `log[P]@O <- topic[P]@O`.
    static func source(_ lineage: RecordLineage) -> String {
        "log[\(lineage.logPartition)]@\(lineage.logOffset) <- \(lineage.source.topic)[\(lineage.source.partition)]@\(lineage.source.offset)"
    }

    /// One readable line for a routing or audit record (Decider format, docs/decisions.md),
    /// decoded with ``RoutingRecordView`` or ``AuditRecordView``.
    static func line(_ message: KafkaConsumerMessage, routingTopic: String) -> String {
        let position = "\(message.topic)[\(message.partition)]@\(message.offset)"
        if message.topic == routingTopic {
            guard let r = try? RoutingRecordView(Array(message.value)) else { return position + " (not a routing record)" }
            return
                "ROUTE \(r.eventTime) \(r.leadID) [\(r.accountID ?? "-")] -> \(r.tier) (\(r.change.rawValue)) queue=\(r.queue) owner=\(r.ownerID ?? "-") score=\(number(r.score)) because \(reasons(r.reasons)) [\(r.decisionID) \(source(r.lineage))]"
        }
        guard let a = try? AuditRecordView(Array(message.value)) else { return position + " (not an audit record)" }
        let tier = a.decision.map { "tier=\($0.tier) score=\(number($0.score))" } ?? "no lead decided"
        let routed = a.decision?.routeChanged == true ? " route-changed" : ""
        let further = a.further.count
        var more = further > 0 ? " +\(further) further decision\(further == 1 ? "" : "s")" : ""
        if let cut = a.furtherTruncated { more += " (+\(cut.count) left out by the size cap)" }
        return
            "AUDIT \(a.eventTime) \(a.decision?.leadID ?? "-") [\(a.accountID ?? "-")] \(a.eventKind) \(tier)\(routed)\(more) [\(a.decisionID) \(source(a.lineage))]"
    }
}
