import ArgumentParser
import Foundation
import Kafka
import LeadLedgerEngine
import Logging

/// `leadledger explain --lead ID`: a lead's decision history with lineage.
struct ExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Show a lead's decision history with its reasons and lineage back to the source offsets.",
        discussion: """
        Reads the audit topic and prints, in event-time order, every decision
        about the lead: the decision id, the event, the tier, score, probability,
        queue and owner, whether the route changed (and from what), the reasons
        (top feature contributions), and the lineage: log partition/offset and
        the inbound topic/partition/offset it came from, with the model and
        ruleset versions.
        """
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var engine: EngineOptions

    @Option(help: "The lead id (ld_...).")
    var lead: String

    func run() async throws {
        let logger = connection.makeLogger("leadledger.explain")
        let configuration = try engine.resolve(connection)
        let topic = configuration.topics.audit
        let reader = LogReader(client: configuration.client("leadledger-explain"), logger: logger)
        var matches: [(time: String, partition: Int, offset: Int, json: [String: Any])] = []
        let needle = Array(lead.utf8)
        for partition in try await partitions(of: topic, configuration: configuration, logger: logger) {
            var found: [[UInt8]] = []
            try await reader.fold(topic: topic, partition: partition, from: 0, to: nil, into: &found) { found, record in
                // Cheap pre-filter on the bytes, then parse.
                if record.value.count >= needle.count, contains(record.value, needle) { found.append(record.value) }
            }
            for bytes in found {
                guard let json = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any], (json["lead_id"] as? String) == lead else { continue }
                let log = (json["lineage"] as? [String: Any])?["log"] as? [String: Any] ?? [:]
                matches.append((json["event_time"] as? String ?? "", log["partition"] as? Int ?? 0, log["offset"] as? Int ?? 0, json))
            }
        }
        // RFC 3339 with fixed milliseconds sorts as text.
        matches.sort { ($0.time, $0.partition, $0.offset) < ($1.time, $1.partition, $1.offset) }
        var text = "lead \(lead): \(matches.count) audit record(s) in \(topic)\n"
        for match in matches {
            let json = match.json
            let source = (json["lineage"] as? [String: Any])?["source"] as? [String: Any] ?? [:]
            let reasons = (json["reasons"] as? [[String: Any]] ?? []).map { reason in
                "        - \(reason["text"] as? String ?? reason["feature"] as? String ?? "?")"
            }
            let previous = (json["previous_decision"] as? [String: Any]).map { "\($0["tier"] ?? "?")/\($0["queue"] ?? "?") (\($0["decision_id"] ?? "?"))" } ?? "none"
            let change = json["route_changed"] as? Bool == true ? "route changed (\(json["change"] as? String ?? "?")) from \(previous)" : "route unchanged"
            text += """
                \(match.time)  \(json["decision_id"] as? String ?? "?")  \(json["event_kind"] as? String ?? "?")
                    decision: tier=\(json["tier"] ?? "?") score=\(json["score"] ?? "?") probability=\(json["probability"] ?? "?") queue=\(json["queue"] ?? "-") owner=\(json["owner_id"] as? String ?? "-"); \(change)\((json["disqualifier"] as? String).map { "; disqualified: \($0)" } ?? "")
                    reasons:\(reasons.isEmpty ? " none" : "\n" + reasons.joined(separator: "\n"))
                    lineage: \(configuration.topics.events)[\(match.partition)]@\(match.offset) <- \(source["topic"] as? String ?? "?")[\(source["partition"] as? Int ?? -1)]@\(source["offset"] as? Int ?? -1); model \(json["model_version"] as? String ?? "?"), ruleset \(json["ruleset_version"] as? String ?? "?"), state \(json["state_hash"] as? String ?? "?")

                """
        }
        StandardOutput.write(text)
    }
}

private func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
    guard !needle.isEmpty, haystack.count >= needle.count else { return needle.isEmpty }
    let first = needle[0]
    var index = 0
    let last = haystack.count - needle.count
    while index <= last {
        if haystack[index] == first && haystack[index..<(index + needle.count)].elementsEqual(needle) { return true }
        index += 1
    }
    return false
}
