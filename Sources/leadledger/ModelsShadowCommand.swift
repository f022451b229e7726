import ArgumentParser
import Foundation
import LeadLedgerCore
import LeadLedgerDecisions
import LeadLedgerEngine
import Logging

/// `leadledger models shadow VERSION`.
struct ModelsShadowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shadow", abstract: "Score every decided lead with VERSION as well (audit records only, never routing).")

    @OptionGroup var context: ModelsContext
    @OptionGroup var control: ControlOptions

    @Argument(help: "The model version.")
    var version: String

    func run() async throws { try await writeVersionEvent(.modelShadow, version: version, options: control, context: context, force: true) }
}
