import ArgumentParser
import Foundation
import LeadLedgerCore
import LeadLedgerDecisions
import LeadLedgerEngine
import Logging

/// `leadledger models unshadow VERSION`.
struct ModelsUnshadowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "unshadow", abstract: "Stop shadow scoring with VERSION.")

    @OptionGroup var context: ModelsContext
    @OptionGroup var control: ControlOptions

    @Argument(help: "The model version.")
    var version: String

    func run() async throws {
        try await writeVersionEvent(.modelUnshadow, version: version, options: control, context: context, force: true)
    }
}
