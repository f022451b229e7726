import Foundation
import LeadLedgerCore

/// An SLA timer: due at `deadline` (event-time ms) for `lead`.
struct SLATimer: Sendable, Equatable, Comparable {
    var deadline: Int64
    var lead: LeadID
    static func < (a: Self, b: Self) -> Bool { a.deadline != b.deadline ? a.deadline < b.deadline : a.lead < b.lead }
}
