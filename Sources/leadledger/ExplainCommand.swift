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
        Reads the audit topic (one record per applied log event) and prints, in
        event-time order, every decision about the lead, whether it is the
        record's primary decision or one of its further_decisions (account-change
        fan-out, SLA escalations, merges, erasures): the audit decision id, the
        event, the tier, score, probability, queue and owner, whether the route
        changed (and from what) with the routing record's decision id, the
        reasons (top feature contributions), and the lineage: log
        partition/offset and the inbound topic/partition/offset it came from,
        with the model and ruleset versions and the state hash. Control
        characters in the records are printed escaped.

        Example:
          leadledger explain --config leadledger.yaml --lead ld_0123456789abcdef
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
        /// A decision about the lead: `decision` holds its fields (the record itself, or one
        /// `further_decisions` entry), `record` the audit record's event-level fields.
        struct Match { var time: String; var partition: Int; var offset: Int; var primary: String?; var decision: [String: Any]; var record: [String: Any] }
        var matches: [Match] = []
        let needle = Array(lead.utf8)
        for partition in try await partitions(of: topic, configuration: configuration, logger: logger) {
            var found: [[UInt8]] = []
            try await reader.fold(topic: topic, partition: partition, from: 0, to: nil, into: &found) { found, record in
                // Cheap pre-filter on the bytes, then parse.
                if record.value.count >= needle.count, contains(record.value, needle) { found.append(record.value) }
            }
            for bytes in found {
                guard let json = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else { continue }
                let log = (json["lineage"] as? [String: Any])?["log"] as? [String: Any] ?? [:]
                let time = json["event_time"] as? String ?? "", logPartition = log["partition"] as? Int ?? 0, logOffset = log["offset"] as? Int ?? 0
                if (json["lead_id"] as? String) == lead {
                    matches.append(Match(time: time, partition: logPartition, offset: logOffset, primary: nil, decision: json, record: json))
                }
                for item in json["further_decisions"] as? [[String: Any]] ?? [] where (item["lead_id"] as? String) == lead {
                    matches.append(Match(time: time, partition: logPartition, offset: logOffset, primary: json["lead_id"] as? String ?? "-", decision: item, record: json))
                }
            }
        }
        // RFC 3339 with fixed milliseconds sorts as text; within one event, the primary decision first.
        matches.sort { ($0.time, $0.partition, $0.offset, $0.primary == nil ? 0 : 1) < ($1.time, $1.partition, $1.offset, $1.primary == nil ? 0 : 1) }
        var text = "lead \(lead): \(matches.count) decision(s) in \(topic)\n"
        for match in matches {
            let json = match.decision, record = match.record
            let source = (record["lineage"] as? [String: Any])?["source"] as? [String: Any] ?? [:]
            let reasons = (json["reasons"] as? [[String: Any]] ?? []).map { reason in
                "        - \(reason["text"] as? String ?? reason["feature"] as? String ?? "?")"
            }
            let previous = (json["previous_decision"] as? [String: Any]).map { "\($0["tier"] ?? "?")/\($0["queue"] ?? "?") (\($0["decision_id"] ?? "?"))" } ?? "none"
            let routing = (json["routing_decision_id"] as? String).map { " -> routing record \($0)" } ?? ""
            let change = json["route_changed"] as? Bool == true ? "route changed (\(json["change"] as? String ?? "?")) from \(previous)\(routing)" : "route unchanged"
            let role = match.primary.map { "further decision (primary lead \($0))" } ?? "primary decision"
            let stateHash = match.primary == nil ? "event state \(record["state_hash"] as? String ?? "?")" : "lead state \(json["state_hash"] as? String ?? "?")"
            text += """
                \(match.time)  \(record["decision_id"] as? String ?? "?")  \(record["event_kind"] as? String ?? "?")  \(role)
                    decision: tier=\(json["tier"] ?? "?") score=\(json["score"] ?? "?") probability=\(json["probability"] ?? "?") queue=\(json["queue"] ?? "-") owner=\(json["owner_id"] as? String ?? "-"); \(change)\((json["disqualifier"] as? String).map { "; disqualified: \($0)" } ?? "")
                    reasons:\(reasons.isEmpty ? " none" : "\n" + reasons.joined(separator: "\n"))
                    lineage: \(configuration.topics.events)[\(match.partition)]@\(match.offset) <- \(source["topic"] as? String ?? "?")[\(source["partition"] as? Int ?? -1)]@\(source["offset"] as? Int ?? -1); model \(record["model_version"] as? String ?? "?"), ruleset \(record["ruleset_version"] as? String ?? "?"), \(stateHash)

                """
        }
        StandardOutput.write(TerminalText.escapingControls(text, keepingLineBreaksAndTabs: true))
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
