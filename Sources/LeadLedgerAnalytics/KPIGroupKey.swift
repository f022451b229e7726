import LeadLedgerDecisions

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
