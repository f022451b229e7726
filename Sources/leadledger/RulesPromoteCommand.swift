import ArgumentParser
import Foundation
import LeadLedgerCore
import LeadLedgerDecisions
import LeadLedgerEngine

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
