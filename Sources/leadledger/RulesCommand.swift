import ArgumentParser
import Foundation
import LeadLedgerCore
import LeadLedgerDecisions
import LeadLedgerEngine

/// `leadledger rules …`: the rule-set registry (routing YAML files by `ruleset_version`).
struct RulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Register routing rule sets and list and show them (the rule-set registry).",
        discussion: """
            A rule set is a routing YAML file, named by the ruleset_version every
            decision carries (the first 16 hex digits of the SHA-256 of its bytes).
            register checks that the file loads as routing rules with the configured
            scoring configuration and writes it to the registry topic
            (leadledger.models, key ruleset/<version>), where every process can read
            it. promote and rollback write a ruleset.promote / ruleset.rollback control
            event to leadledger.control; the engine copies it to every log partition
            and switches the rules that route at that log position, with no restart
            (the configured routing_file routes until the first such event). Rule sets
            and models switch independently. Definitions: docs/lifecycle.md.

            EXIT STATUS
              0  done (also: promoting the rule set in force, which writes nothing)
              1  refused (promote_refused: a rollback with no earlier rule-set activation)
              3  unknown rule set (unknown_ruleset_version), a file that is not valid
                 routing rules (invalid_ruleset), broker unreachable

            Examples:
              leadledger rules register config/routing.yaml --config leadledger.yaml
              leadledger rules list --config leadledger.yaml
              leadledger rules show 0123456789abcdef --config leadledger.yaml --format text
              leadledger rules promote 0123456789abcdef --actor ana --reason "new territories" --config leadledger.yaml
              leadledger rules rollback --actor ana --reason "queue overflow" --config leadledger.yaml
            """,
        subcommands: [
            RulesRegisterCommand.self, RulesListCommand.self, RulesShowCommand.self, RulesPromoteCommand.self, RulesRollbackCommand.self,
        ]
    )
}

/// `leadledger rules register FILE`.
struct RulesRegisterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register", abstract: "Register a routing rules file; prints its ruleset_version alone on the last line.")

    @OptionGroup var context: ModelsContext

    @Argument(help: "A routing rules file (YAML).")
    var file: String

    @Option(help: "Who registers it (default: $USER).")
    var createdBy: String?

    func run() async throws {
        let operations = try await context.operations("leadledger.rules")
        let who = createdBy ?? ProcessInfo.processInfo.environment["USER"] ?? "unknown"
        let record = try await operations.registerRuleSet(file: URL(fileURLWithPath: file), createdBy: who, createdAt: nowEventTime())
        print("registered rule set \(record.source) (\(record.yaml.count) bytes)")
        print(record.rulesetVersion)
    }
}

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

/// `leadledger rules show VERSION`.
struct RulesShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Print a registered rule set: its record (json) or its routing file (text).")

    @OptionGroup var context: ModelsContext

    @Argument(help: "The ruleset_version.")
    var version: String

    @Option(help: "Output format: json (the registry record, the file's text in routing_yaml) or text (the routing file itself).")
    var format: ReportFormat = .json

    func run() async throws {
        let operations = try await context.operations("leadledger.rules")
        let record = try await operations.lookupRuleSet(version)
        switch format {
        case .json: StandardOutput.write(String(decoding: record.encoded, as: UTF8.self) + "\n")
        case .text: StandardOutput.write(String(decoding: record.yaml, as: UTF8.self))
        }
    }
}

/// `leadledger rules promote VERSION`.
struct RulesPromoteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "promote", abstract: "Make rule set VERSION the rules that route, from a known log position on every partition.")

    @OptionGroup var context: ModelsContext
    @OptionGroup var control: ControlOptions

    @Argument(help: "The ruleset_version (leadledger rules list).")
    var version: String

    func run() async throws {
        let operations = try await context.operations("leadledger.rules")
        switch try await operations.ruleSetRequest(
            version: version, actor: control.actor, reason: control.reason, eventID: ModelOperations.newEventID(), now: nowEventTime())
        {
        case .alreadyActive:
            print("\(version) is already the active rule set; nothing written")
        case .write(let event, let active, _):
            if let registered = try await operations.registerConfiguredRuleSet(now: nowEventTime()) {
                print("registered the configured routing file as rule set \(registered), so a rollback can return to it anywhere")
            }
            try await operations.write(event)
            print("ruleset.promote \(version) written (event \(event.eventID); active before: \(active))")
        }
    }
}

/// `leadledger rules rollback`.
struct RulesRollbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback", abstract: "Return to the rule set that was active before the current rule-set activation.")

    @OptionGroup var context: ModelsContext
    @OptionGroup var control: ControlOptions

    func run() async throws { try await writeRollback(.rulesetRollback, options: control, context: context) }
}
