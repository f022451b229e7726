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
