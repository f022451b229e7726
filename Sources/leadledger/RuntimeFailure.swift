import ArgumentParser
import Foundation
import LeadLedgerDecisions
import LeadLedgerEngine

/// A failure at run time (exit status 3): the reason, on one line.
struct RuntimeFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
