import ArgumentParser
import Foundation
import LeadLedgerCore
import LeadLedgerDecisions
import LeadLedgerEngine
import Logging

/// `leadledger models rollback`.
struct ModelsRollbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback", abstract: "Return to the version that was active before the current activation.")

    @OptionGroup var context: ModelsContext
    @OptionGroup var control: ControlOptions

    func run() async throws { try await writeRollback(.modelRollback, options: control, context: context) }
}
