import LeadLedgerDecisions

/// Compares the decisions on record with a candidate's decisions over the same
/// log events.
///
/// - Per lead, the *final* decision is its last decision (event time, then log
///   position) in the compared range, on each side. The tier transition matrix
///   counts leads by (record tier, candidate tier) of their final decisions; a
///   lead decided on one side only is counted under the tier `none` on the other.
/// - `tier_changed` / `queue_changed` / `owner_changed`: the number of leads decided
///   on both sides whose final tier / queue / owner (nil and a name differ) differ.
/// - On leads with an outcome (``OutcomeLedger/hasOutcome(_:)``), each side's
///   *reference* decision is the last before the outcome became known (strictly
///   earlier event time); leads without one on both sides are left out. Label 1 =
///   converted. Per side: AUC of the probability (Metrics.rocAUC; nil with one class),
///   ECE of the probability (Metrics.expectedCalibrationError, 10 bins), precision at
///   the sales-ready cut (converted / reference tier `sales_ready`), and conversion
///   by reference tier.
package struct BacktestComparison: Sendable, Equatable, Encodable {
    /// One cell of the transition matrix.
    package struct Transition: Sendable, Equatable, Encodable {
        package var from: String
        package var to: String
        package var leads: Int
    }

    /// One side's figures on the leads with outcomes.
    package struct SideFigures: Sendable, Equatable, Encodable {
        package var auc: Double?
        package var ece: Double?
        package var salesReady: Int
        package var precisionAtSalesReady: Double?
        package var byTier: [OutcomeKPIs.TierConversion]
    }

    /// The tier a lead has on a side that never decided it.
    package static let none = "none"

    package var leads: Int
    package var bothSides: Int
    package var tierChanged: Int
    package var queueChanged: Int
    package var ownerChanged: Int
    package var transitions: [Transition]
    package var labelled: Int
    package var converted: Int
    package var record: SideFigures
    package var candidate: SideFigures

    package var tierChangedShare: Double? { bothSides == 0 ? nil : Double(tierChanged) / Double(bothSides) }
    package var queueChangedShare: Double? { bothSides == 0 ? nil : Double(queueChanged) / Double(bothSides) }
    package var ownerChangedShare: Double? { bothSides == 0 ? nil : Double(ownerChanged) / Double(bothSides) }

    /// Compares `record` and `candidate` decisions, joined to `ledger`'s outcomes.
    package init(record: [DecisionObservation], candidate: [DecisionObservation], ledger: OutcomeLedger) {
        let recordByLead = Self.histories(record)
        let candidateByLead = Self.histories(candidate)
        let leads = Set(recordByLead.keys).union(candidateByLead.keys).sorted()
        var matrix: [String: [String: Int]] = [:]
        var both = 0
        var tierChanged = 0
        var queueChanged = 0
        var ownerChanged = 0
        var recordRefs: [DecisionObservation] = []
        var candidateRefs: [DecisionObservation] = []
        var labels: [Double] = []
        for lead in leads {
            let r = recordByLead[lead]?.last
            let c = candidateByLead[lead]?.last
            matrix[r?.tier ?? Self.none, default: [:]][c?.tier ?? Self.none, default: 0] += 1
            if let r, let c {
                both += 1
                if r.tier != c.tier { tierChanged += 1 }
                if r.queue != c.queue { queueChanged += 1 }
                if r.ownerID != c.ownerID { ownerChanged += 1 }
            }
            guard ledger.hasOutcome(lead), let t = ledger.outcomeTime(lead),
                let rr = recordByLead[lead]?.last(where: { $0.time < t }),
                let cr = candidateByLead[lead]?.last(where: { $0.time < t })
            else { continue }
            recordRefs.append(rr)
            candidateRefs.append(cr)
            labels.append(ledger.converted(lead) ? 1 : 0)
        }
        self.leads = leads.count
        self.bothSides = both
        self.tierChanged = tierChanged
        self.queueChanged = queueChanged
        self.ownerChanged = ownerChanged
        self.transitions = matrix.keys.sorted().flatMap { from in
            matrix[from]!.keys.sorted().map { Transition(from: from, to: $0, leads: matrix[from]![$0]!) }
        }
        self.labelled = labels.count
        self.converted = labels.filter { $0 == 1 }.count
        self.record = Self.figures(recordRefs, labels)
        self.candidate = Self.figures(candidateRefs, labels)
    }

    static func histories(_ decisions: [DecisionObservation]) -> [String: [DecisionObservation]] {
        var byLead: [String: [DecisionObservation]] = [:]
        for decision in decisions { byLead[decision.leadID, default: []].append(decision) }
        for key in byLead.keys { byLead[key]!.sort(by: DecisionObservation.precedes) }
        return byLead
    }

    static func figures(_ references: [DecisionObservation], _ labels: [Double]) -> SideFigures {
        let probabilities = references.map(\.probability)
        let auc = try? Metrics.rocAUC(scores: probabilities, labels: labels)
        let ece = try? Metrics.expectedCalibrationError(probabilities: probabilities, labels: labels)
        var tiers: [String: OutcomeKPIs.TierConversion] = [:]
        for (decision, label) in zip(references, labels) {
            tiers[decision.tier, default: .init(tier: decision.tier, leads: 0, converted: 0)].leads += 1
            if label == 1 { tiers[decision.tier]!.converted += 1 }
        }
        let ready = tiers[DecisionObservation.qualifiedTier]
        return SideFigures(
            auc: auc, ece: ece, salesReady: ready?.leads ?? 0, precisionAtSalesReady: ready?.rate,
            byTier: tiers.keys.sorted().map { tiers[$0]! })
    }
}
