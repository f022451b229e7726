import ArgumentParser
import Dispatch
import Foundation
import Kafka
import LeadLedgerCore
import LeadLedgerEngine
import Logging
import Synchronization

/// An error that ends the harness early (exit status 2).
struct ChaosFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
