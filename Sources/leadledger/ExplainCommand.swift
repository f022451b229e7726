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
        Reads the audit topic and prints, in event-time order, every record about
        the lead (including merges that absorbed other leads into it): the
        decision id, the event and its effects, the decision (tier, score and
        reasons once the decision step writes them), and the lineage: log
        partition/offset and the inbound topic/partition/offset it came from.
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
        var matches: [(time: Double, partition: Double, offset: Double, json: [String: Any])] = []
        let needle = Array(lead.utf8)
        for partition in try await partitions(of: topic, configuration: configuration, logger: logger) {
            var found: [[UInt8]] = []
            try await reader.fold(topic: topic, partition: partition, from: 0, to: nil, into: &found) { found, record in
                // Cheap pre-filter on the bytes, then parse.
                if record.value.count >= needle.count, contains(record.value, needle) { found.append(record.value) }
            }
            for bytes in found {
                guard let json = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else { continue }
                let effects = json["effects"] as? [[String: Any]] ?? []
                let about = (json["lead_id"] as? String) == lead || effects.contains { ($0["lead_id"] as? String) == lead || ($0["absorbed"] as? String) == lead }
                guard about else { continue }
                let lineage = json["lineage"] as? [String: Any] ?? [:]
                matches.append((json["event_time"] as? Double ?? 0, lineage["log_partition"] as? Double ?? 0, lineage["log_offset"] as? Double ?? 0, json))
            }
        }
        matches.sort { ($0.time, $0.partition, $0.offset) < ($1.time, $1.partition, $1.offset) }
        var text = "lead \(lead): \(matches.count) audit record(s) in \(topic)\n"
        for match in matches {
            let json = match.json
            let lineage = json["lineage"] as? [String: Any] ?? [:]
            let time = Date(timeIntervalSince1970: match.time / 1000)
            let effects = (json["effects"] as? [[String: Any]] ?? []).map { effect in
                let name = effect["effect"] as? String ?? "?"
                if let absorbed = effect["absorbed"] as? String { return "\(name)(\(absorbed) -> \(effect["lead_id"] as? String ?? "?"))" }
                if let outcome = effect["outcome"] as? String { return "\(name)(\(outcome))" }
                if let account = effect["account_id"] as? String { return "\(name)(\(account))" }
                return name
            }.joined(separator: ", ")
            let decision: String
            if let d = json["decision"] as? [String: Any] {
                let reasons = (d["reasons"] as? [Any] ?? []).map { "\($0)" }.joined(separator: "; ")
                decision = "tier=\(d["tier"] ?? "?") score=\(d["score"] ?? "?") queue=\(d["queue"] ?? "-") reasons: \(reasons)"
            } else {
                decision = "no decision step yet (projections only)"
            }
            text += """
                \(ISO8601DateFormatter().string(from: time))  \(json["decision_id"] as? String ?? "?")  \(json["event_kind"] as? String ?? "?")  [\(effects)]
                    decision: \(decision)
                    lineage: \(lineage["log_topic"] as? String ?? "log")[\(Int(match.partition))]@\(Int(match.offset)) <- \(lineage["source_topic"] as? String ?? "?")[\(Int(lineage["source_partition"] as? Double ?? -1))]@\(Int(lineage["source_offset"] as? Double ?? -1)) #\(Int(lineage["source_seq"] as? Double ?? 0)), state \(json["state_hash"] as? String ?? "?")

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
