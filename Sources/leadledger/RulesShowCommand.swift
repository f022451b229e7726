import ArgumentParser
import Foundation
import LeadLedgerCore
import LeadLedgerDecisions
import LeadLedgerEngine

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
