import LeadLedgerCore

/// Why a lead's route changed: the `change` member of a routing record
/// (schema_version 1) and of an audit record's decisions (schema_version 2).
/// The raw values are the contract's strings.
package enum RouteChange: String, Sendable, Hashable, CaseIterable, Codable {
    /// The lead's first route.
    case new
    /// The tier changed.
    case tier
    /// The queue changed with the tier kept.
    case queue
    /// The owner changed with tier and queue kept.
    case owner
    /// The SLA timer of a sales_ready route fired without CRM activity.
    case escalation
    /// An override set the route.
    case override
    /// The override was removed; the gate routes the lead again.
    case overrideCleared = "override_cleared"
    /// The lead was merged into another; its route is closed.
    case merged
    /// The lead was erased; its route is closed.
    case erased
    /// A rule-set switch moved the lead off an owner the new rules no longer
    /// allow (removed, outside the lead's territory, over capacity): tier and
    /// score are kept, the owner (and, on overflow, the queue) changes.
    case reassigned
}

extension RouteChange {
    /// The member `key` of a record, decoded; nil when it is absent or null. A
    /// string outside the contract's set throws with the member's path.
    static func member(_ key: String, of record: Fields) throws(ContractError) -> RouteChange? {
        guard let text = try record.string(key) else { return nil }
        guard let change = RouteChange(rawValue: text) else { throw record.violation(key, "is not a route change") }
        return change
    }
}
