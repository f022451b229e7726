import ArgumentParser
import Foundation
import LeadLedgerEngine
import LeadLedgerOperations
import Logging
import Synchronization

/// Parses `key=value` pairs. A malformed pair is named by its position only:
/// it may be a secret given without its key.
func parseKeyValues(_ pairs: [String], what: String) throws -> [String: String] {
    var result: [String: String] = [:]
    for (index, pair) in pairs.enumerated() {
        guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
            throw ValidationError("\(what) #\(index + 1) is not key=value")
        }
        result[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
    }
    return result
}
