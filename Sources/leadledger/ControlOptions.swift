import ArgumentParser
import Foundation
import LeadLedgerCore
import LeadLedgerDecisions
import LeadLedgerEngine
import Logging

/// The options of the commands that write a control event.
struct ControlOptions: ParsableArguments {
    @Option(help: "Who asks (recorded in the log).")
    var actor: String

    @Option(help: "Why (recorded in the log).")
    var reason: String

    func validate() throws {
        if actor.isEmpty || actor.utf8.count > ControlEvent.maxShortText { throw ValidationError("--actor: 1 to 256 bytes") }
        if reason.isEmpty || reason.utf8.count > ControlEvent.maxReason { throw ValidationError("--reason: 1 to 2048 bytes") }
    }

}
