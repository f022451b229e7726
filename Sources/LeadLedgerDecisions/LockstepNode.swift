import Foundation
import LeadLedgerCore

/// One node of the lockstep walk (XGBoost models): `x < threshold` in Float32
/// goes to `left`, otherwise to `left + 1`; NaN follows `defaultLeft`.
struct LockstepNode: Sendable {
    var threshold: Float
    var feature: Int32
    var left: Int32
    var defaultLeft: UInt32
}
