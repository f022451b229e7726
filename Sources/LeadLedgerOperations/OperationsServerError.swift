import Foundation
import Hummingbird
import HummingbirdCore
import LeadLedgerCore
import LeadLedgerEngine
import Logging
import NIOCore
import ServiceLifecycle

/// Why the HTTP server did not start.
package enum OperationsServerError: Error, CustomStringConvertible {
    /// The address could not be bound.
    case cannotListen(String)

    package var description: String {
        switch self {
        case .cannotListen(let reason): reason
        }
    }
}
