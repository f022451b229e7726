import LeadLedgerCore

/// Why a decision routed its lead where it did, as the records' `reasons`
/// list: the gate rule that set the tier (when the gate, not an override, set
/// it), then the top feature contributions in rank order (nonzero ones only),
/// each with the feature's value and, for an account signal, the graph path
/// behind it. Sentences are not stored: the codec writes them from the feature.
/// A reassignment at a rule-set switch has one reason instead: why the lead
/// left its owner (``ReassignmentReason``).
struct DecisionReasons: Sendable, Equatable {
    /// The gate rule that set the tier, with the value of the feature it tests (nil: it tests none).
    struct Gate: Sendable, Equatable {
        var rule: GateRule
        var value: Double?
    }
    /// One feature's contribution (`index` in the extractor's feature order).
    struct Feature: Sendable, Equatable {
        var index: Int
        var contribution: Double
        var value: Double
        var path: [PathStep]?
    }

    /// Why a rule-set switch took the lead away from its owner.
    struct Reassignment: Sendable, Equatable {
        var reason: ReassignmentReason
        /// The owner the lead left.
        var owner: String
        /// The rule set now in force.
        var ruleSet: String
    }

    var gate: Gate?
    var features: [Feature]
    /// Set only for a `reassigned` route (then gate and features are empty).
    var reassignment: Reassignment?

    /// No reasons (a closed route).
    static let none = DecisionReasons(gate: nil, features: [])

    init(gate: Gate?, features: [Feature], reassignment: Reassignment? = nil) {
        self.gate = gate
        self.features = features
        self.reassignment = reassignment
    }

    /// The reasons of an evaluation; `gate` nil when an override, not the gate, set the route.
    init(_ ev: DecisionEvaluation, gate: GateResult?) {
        if let gate, let rule = ev.row.withUnsafeBufferPointer({ GateRule(gate, row: $0) }) {
            self.gate = Gate(rule: rule, value: rule.feature.map { ev.row[$0] })
        } else {
            self.gate = nil
        }
        var features: [Feature] = []
        features.reserveCapacity(ev.top.count)
        for j in ev.top {
            let c = ev.contributions[j]
            guard c != 0 else { continue }
            let path = ev.paths.isEmpty ? nil : ev.paths.first(where: { $0.0 == j })?.1
            features.append(Feature(index: j, contribution: c, value: ev.row[j], path: path))
        }
        self.features = features
    }
}
