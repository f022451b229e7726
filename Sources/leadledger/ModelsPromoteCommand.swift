import ArgumentParser
import Foundation
import LeadLedgerCore
import LeadLedgerDecisions
import LeadLedgerEngine
import Logging

/// `leadledger models promote VERSION`.
struct ModelsPromoteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "promote", abstract: "Make VERSION the model that decides, from a known log position on every partition.")

    @OptionGroup var context: ModelsContext
    @OptionGroup var control: ControlOptions

    @Argument(help: "The model version.")
    var version: String

    @Flag(help: "Promote even when the candidate does worse than the active model on the candidate's held-out split.")
    var force = false

    func run() async throws {
        try await writeVersionEvent(.modelPromote, version: version, options: control, context: context, force: force)
    }
}
