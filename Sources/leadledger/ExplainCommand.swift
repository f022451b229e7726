import ArgumentParser
import Foundation
import Kafka
import LeadLedgerDecisions
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
        /// A decision about the lead: the record's primary decision or one of its
        /// `further_decisions` (`primary` then names the record's own lead), and the audit record.
        struct Match {
            var decision: AuditRecordView.Decision
            var primary: String?
            var record: AuditRecordView
        }
        var matches: [Match] = []
        let needle = Array(lead.utf8)
        for partition in try await partitions(of: topic, configuration: configuration, logger: logger) {
            var found: [[UInt8]] = []
            try await reader.fold(topic: topic, partition: partition, from: 0, to: nil, into: &found) { found, record in
                // Cheap pre-filter on the bytes, then decode.
                if record.value.count >= needle.count, contains(record.value, needle) { found.append(record.value) }
            }
            for bytes in found {
                guard let record = try? AuditRecordView(bytes) else { continue }
                if let primary = record.decision, primary.leadID == lead {
                    matches.append(Match(decision: primary, primary: nil, record: record))
                }
                for item in record.further where item.leadID == lead {
                    matches.append(Match(decision: item, primary: record.decision?.leadID ?? "-", record: record))
                }
            }
        }
        // RFC 3339 with fixed milliseconds sorts as text; within one event, the primary decision first.
        func order(_ m: Match) -> (String, Int32, Int64, Int) {
            (m.record.eventTime, m.record.lineage.logPartition, m.record.lineage.logOffset, m.primary == nil ? 0 : 1)
        }
        matches.sort { order($0) < order($1) }
        var text = TerminalText.escapingControls("lead \(lead): \(matches.count) decision(s) in \(topic)") + "\n"
        for match in matches {
            let decision = match.decision
            let record = match.record
            let source = record.lineage.source
            let reasons = decision.reasons.map { "        - \($0.text)" }
            let previous = decision.previous.map { "\($0.tier)/\($0.queue) (\($0.decisionID))" } ?? "none"
            let routing = decision.routingDecisionID.map { " -> routing record \($0)" } ?? ""
            let change = decision.routeChanged ? "route changed (\(decision.change ?? "?")) from \(previous)\(routing)" : "route unchanged"
            let role = match.primary.map { "further decision (primary lead \($0))" } ?? "primary decision"
            let stateHash = match.primary == nil ? "event state \(record.stateHash)" : "lead state \(decision.stateHash)"
            var lines = [
                "\(record.eventTime)  \(record.decisionID)  \(record.eventKind)  \(role)",
                "    decision: tier=\(decision.tier) score=\(WatchCommand.number(decision.score)) probability=\(WatchCommand.number(decision.probability)) queue=\(decision.queue) owner=\(decision.ownerID ?? "-"); \(change)\(decision.disqualifier.map { "; disqualified: \($0)" } ?? "")",
                "    reasons:\(reasons.isEmpty ? " none" : "")",
            ]
            lines += reasons
            lines.append(
                "    lineage: \(configuration.topics.events)[\(record.lineage.logPartition)]@\(record.lineage.logOffset) <- \(source.topic)[\(source.partition)]@\(source.offset); model \(record.modelVersion), ruleset \(record.rulesetVersion), \(stateHash)"
            )
            // Every line is escaped on its own: a line break inside a record's text
            // cannot start a line of its own.
            text += lines.map { TerminalText.escapingControls($0) }.joined(separator: "\n") + "\n"
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
