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
            characters in the records are printed escaped. --format json prints
            one object (lead_id, account_id, current_route, decisions, switches),
            the shape of the read model's GET /v1/leads/{lead_id} (docs/api.md);
            switches are the model and rule-set activations the decisions were
            taken under: the control event (type, version, actor, reason,
            occurred_at, log position) and the decision_ids it covers.

            Example:
              leadledger explain --config leadledger.yaml --lead ld_0123456789abcdef
            """
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var engine: EngineOptions

    @Option(help: "The lead id (ld_...).")
    var lead: String

    @Option(help: "Output format: text (readable lines) or json (one object, the shape GET /v1/leads/{lead_id} returns).")
    var format: ReportFormat = .text

    func run() async throws {
        let logger = connection.makeLogger("leadledger.explain")
        let configuration = try engine.resolve(connection)
        let topic = configuration.topics.audit
        let reader = LogReader(client: configuration.client("leadledger-explain"), logger: logger)
        let featureSets = await ModelOperations(configuration: configuration, logger: logger).featureSets()
        var decisions: [LeadExplanation.Decision] = []
        var truncated: [AuditRecordView] = []
        let needle = Array(lead.utf8)
        let truncationMark = Array(#""further_truncated""#.utf8)
        for partition in try await partitions(of: topic, configuration: configuration, logger: logger) {
            var found: (lead: [[UInt8]], truncated: [[UInt8]]) = ([], [])
            try await reader.fold(topic: topic, partition: partition, from: 0, to: nil, into: &found) { found, record in
                // Cheap pre-filters on the bytes, then decode.
                if contains(record.value, needle) {
                    found.lead.append(record.value)
                } else if contains(record.value, truncationMark) {
                    found.truncated.append(record.value)
                }
            }
            for bytes in found.lead {
                guard let record = try? AuditRecordView(bytes, featureSets: featureSets) else { continue }
                decisions += LeadExplanation.decisions(about: lead, in: record, logTopic: configuration.topics.events)
            }
            truncated += found.truncated.compactMap { try? AuditRecordView($0, featureSets: featureSets) }
        }
        var explanation = LeadExplanation(leadID: lead, decisions: decisions)
        // Records of the lead's account that left further decisions out (audit size cap): the lead's may be among them.
        let accounts = Set(decisions.compactMap(\.accountID))
        let capped = truncated.filter { $0.accountID.map(accounts.contains) ?? false && $0.furtherTruncated != nil }
        switch format {
        case .json:
            explanation.switches = try await Self.switches(behind: explanation.decisions, configuration: configuration, reader: reader)
            StandardOutput.write(try ReportFormat.json(explanation))
        case .text:
            let switches = try await Self.controlSwitches(configuration: configuration, reader: reader)
            StandardOutput.write(Self.text(explanation, auditTopic: topic, capped: capped) + switches)
        }
    }

    /// The readable report: a header line, a note on audit records of the lead's
    /// account that the size cap shortened, then one block per decision.
    static func text(_ explanation: LeadExplanation, auditTopic topic: String, capped: [AuditRecordView] = []) -> String {
        var text =
            TerminalText.escapingControls("lead \(explanation.leadID): \(explanation.decisions.count) decision(s) in \(topic)") + "\n"
        if !capped.isEmpty {
            let left = capped.reduce(0) { $0 + ($1.furtherTruncated?.count ?? 0) }
            text +=
                TerminalText.escapingControls(
                    "note: \(capped.count) audit record(s) of the lead's account left \(left) further decision(s) out (audit_max_bytes, further_truncated): "
                        + "decisions of this lead among them are not shown here; their routing records are complete. First: \(capped[0].decisionID)"
                ) + "\n"
        }
        for decision in explanation.decisions {
            let source = decision.lineage.source
            let log = decision.lineage.log
            let reasons = decision.reasons.map { "        - \($0.text)" }
            let previous = decision.previous.map { "\($0.tier)/\($0.queue) (\($0.decisionID))" } ?? "none"
            let routing = decision.routingDecisionID.map { " -> routing record \($0)" } ?? ""
            let change =
                decision.routeChanged ? "route changed (\(decision.change?.rawValue ?? "?")) from \(previous)\(routing)" : "route unchanged"
            let role = decision.primaryLeadID.map { "further decision (primary lead \($0))" } ?? "primary decision"
            let stateHash = decision.primaryLeadID == nil ? "event state \(decision.stateHash)" : "lead state \(decision.stateHash)"
            var lines = [
                "\(decision.eventTime)  \(decision.decisionID)  \(decision.eventKind)  \(role)",
                "    decision: tier=\(decision.tier) score=\(WatchCommand.number(decision.score)) probability=\(WatchCommand.number(decision.probability)) queue=\(decision.queue) owner=\(decision.ownerID ?? "-"); \(change)\(decision.disqualifier.map { "; disqualified: \($0)" } ?? "")",
                "    reasons:\(reasons.isEmpty ? " none" : "")",
            ]
            lines += reasons
            lines.append(
                "    lineage: \(log.topic)[\(log.partition)]@\(log.offset) <- \(source.topic)[\(source.partition)]@\(source.offset); model \(decision.modelVersion), ruleset \(decision.rulesetVersion), \(stateHash)"
            )
            // Every line is escaped on its own: a line break inside a record's text
            // cannot start a line of its own.
            text += lines.map { TerminalText.escapingControls($0) }.joined(separator: "\n") + "\n"
        }
        return text
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
