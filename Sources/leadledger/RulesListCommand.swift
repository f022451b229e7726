import ArgumentParser
import Foundation
import LeadLedgerCore
import LeadLedgerDecisions
import LeadLedgerEngine

/// `leadledger rules list`.
struct RulesListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the registered rule sets, marking the configured one (routing_file) and the active one (the control topic's).")

    @OptionGroup var context: ModelsContext

    @Option(help: "Output format: text or json (one object: rulesets, configured, active, unusable).")
    var format: ReportFormat = .text

    func run() async throws {
        let operations = try await context.operations("leadledger.rules")
        let decisions = try operations.configuration.decisionConfiguration()
        let configured = decisions.rulesetVersion
        let contents = try await operations.contents()
        let requested = try await operations.requestedActivation(
            configured: decisions.modelVersion, configuredRuleSet: configured, contents: contents)
        let active = requested.activation.currentRuleSet(configured: configured)
        let records = contents.ruleSets.values.sorted { ($0.createdAt, $0.rulesetVersion) < ($1.createdAt, $1.rulesetVersion) }
        switch format {
        case .json:
            let sets: [JSONValue] = records.map { r in
                .object([
                    "ruleset_version": .string(r.rulesetVersion), "source": .string(r.source), "size": .int(r.yaml.count),
                    "created_at": .string(r.createdAt), "created_by": .string(r.createdBy),
                    "configured": .bool(r.rulesetVersion == configured), "active": .bool(r.rulesetVersion == active),
                ])
            }
            let broken: [JSONValue] = contents.brokenRuleSets.sorted { $0.key < $1.key }.map {
                .object([
                    "ruleset_version": .string($0.key), "error_code": .string($0.value.code.rawValue), "reason": .string($0.value.reason),
                ])
            }
            let report: JSONValue = .object([
                "rulesets": .array(sets), "configured": .string(configured), "active": .string(active), "unusable": .array(broken),
            ])
            StandardOutput.write(CanonicalJSON.string(report) + "\n")
        case .text:
            var text = "VERSION           SOURCE                CREATED_AT                CREATED_BY  STATE\n"
            for r in records {
                let source = TerminalText.escapingControls(r.source).padding(toLength: 20, withPad: " ", startingAt: 0)
                let state = [r.rulesetVersion == active ? "active" : nil, r.rulesetVersion == configured ? "configured" : nil]
                text +=
                    "\(r.rulesetVersion)  \(source)  \(r.createdAt)  \(TerminalText.escapingControls(r.createdBy))  \(state.compactMap { $0 }.joined(separator: ","))\n"
            }
            for (version, error) in contents.brokenRuleSets.sorted(by: { $0.key < $1.key }) {
                text += "\(version)  UNUSABLE: \(TerminalText.escapingControls(error.description))\n"
            }
            StandardOutput.write(text)
        }
    }
}
