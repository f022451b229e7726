import Foundation
import LeadLedgerCore

/// Per-lead state: decayed activity and the last decision.
package struct LeadState: Sendable, Equatable {
    package var activity = LeadActivity()
    package var decision: LeadDecision?
    package init() {}

    /// Copies the activity out and moves an open decision out (leaving nil; a closed one stays), without
    /// copying the whole state: the decider reads a lead's state in place this way and writes the new decision back.
    mutating func takeOpenDecision(activity a: inout LeadActivity, decision d: inout LeadDecision?) {
        a = activity
        if decision?.closed != true { swap(&d, &decision) }
    }
}
