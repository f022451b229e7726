import Foundation
import LeadLedgerCore

/// Component groups of the routing record's `components`.
package enum FeatureGroup: String, Sendable, CaseIterable {
    case fit, engagement, intent, account
}
