import Foundation
import LeadLedgerCore

/// One node packed for the prediction loop.
struct PackedNode: Sendable {
    /// Split threshold, or the value of a leaf.
    var threshold: Double
    var feature: Int32
    var left: Int32
    var right: Int32
    var kind: UInt8
    var defaultLeft: Bool
}
