import Crypto
import Foundation

/// Why a metrics token could not be loaded.
package enum MetricsTokenError: Error, CustomStringConvertible {
    /// The token is empty.
    case empty
    /// The token file cannot be read.
    case unreadable(String)

    package var description: String {
        switch self {
        case .empty: "the metrics token is empty"
        case .unreadable(let path): "cannot read the metrics token file \(path)"
        }
    }
}
