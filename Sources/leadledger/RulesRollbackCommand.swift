import ArgumentParser
import Foundation
import LeadLedgerCore
import LeadLedgerDecisions
import LeadLedgerEngine

/// `leadledger rules rollback`.
struct RulesRollbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback", abstract: "Return to the rule set that was active before the current rule-set activation.")

    @OptionGroup var context: ModelsContext
    @OptionGroup var control: ControlOptions

    func run() async throws { try await writeRollback(.rulesetRollback, options: control, context: context) }
}
