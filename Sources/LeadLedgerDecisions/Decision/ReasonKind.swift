/// What one reason of a record is: the `kind` member of every reason in routing
/// records of schema_version 2 and audit records of schema_version 3 (one
/// vocabulary for both contracts). Older records (routing schema_version 1, audit
/// schema_version 2) write `gate` for the gate rule and no kind for a feature;
/// their readers decode those into the same cases (``RecordReason``).
package enum ReasonKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// A feature's contribution to the score.
    case feature
    /// The gate rule that set the tier without disqualifying (review, the unsubscribe cap).
    case rule
    /// The gate rule that disqualified the lead.
    case disqualifier
    /// Why a rule-set switch took the lead away from its owner.
    case reassignment

    /// The kind of the gate rule `rule`.
    package init(_ rule: GateRule) {
        self = rule.isDisqualifier ? .disqualifier : .rule
    }

    /// Whether the reason is the gate rule that set the tier (always the first reason when present).
    package var isGateRule: Bool { self == .rule || self == .disqualifier }
}
