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

/// A group's key: the values of the dimensions grouped by (nil: not grouped by it).
package struct KPIGroupKey: Sendable, Hashable, Comparable, Encodable {
    package var day: String?
    package var model: String?
    package var tier: String?
    package var arm: Arm?

    package init(day: String? = nil, model: String? = nil, tier: String? = nil, arm: Arm? = nil) {
        self.day = day
        self.model = model
        self.tier = tier
        self.arm = arm
    }

    package static func < (a: KPIGroupKey, b: KPIGroupKey) -> Bool {
        (a.day ?? "", a.model ?? "", a.tier ?? "", a.arm?.rawValue ?? "") < (
            b.day ?? "", b.model ?? "", b.tier ?? "", b.arm?.rawValue ?? ""
        )
    }
}
