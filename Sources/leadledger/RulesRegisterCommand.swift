import ArgumentParser
import Foundation
import LeadLedgerCore
import LeadLedgerDecisions
import LeadLedgerEngine

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
