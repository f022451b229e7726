import ArgumentParser
import Foundation
import Kafka
import LeadLedgerDecisions
import LeadLedgerEngine
import Logging
import Synchronization

/// `leadledger audit`: audit tools.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Audit tools.",
        subcommands: [AuditVerifyCommand.self]
    )
}
