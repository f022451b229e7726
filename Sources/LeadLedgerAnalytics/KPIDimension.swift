import LeadLedgerDecisions

/// What `kpis` groups leads by. A lead belongs to exactly one group: see ``OutcomeKPIs``.
package enum KPIDimension: String, Sendable, Hashable, CaseIterable, Comparable, Codable {
    /// The UTC day of the lead's first decision.
    case day
    /// The model version of the lead's first decision.
    case model
    /// The lead's tier at its reference decision (the last before its outcome, else its last).
    case tier
    /// The arm of the lead's first decision.
    case arm

    package static func < (a: KPIDimension, b: KPIDimension) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
