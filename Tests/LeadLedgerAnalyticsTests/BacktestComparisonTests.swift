import Testing

@testable import LeadLedgerAnalytics

struct BacktestComparisonTests {
    static func decision(_ lead: String, _ seconds: Int64, _ tier: String, _ p: Double, owner: String?) -> DecisionObservation {
        DecisionObservation(leadID: lead, time: at(seconds), tier: tier, ownerID: owner, probability: p)
    }

    static let record = [
        decision("A", 0, "nurture", 0.3, owner: "o1"),
        decision("A", 10, "sales_ready", 0.9, owner: "o1"),
        decision("B", 10, "nurture", 0.2, owner: "o2"),
        decision("C", 10, "nurture", 0.4, owner: nil),
    ]

    static let candidate = [
        decision("A", 10, "sales_ready", 0.8, owner: "o1"),
        decision("B", 10, "sales_ready", 0.7, owner: "o3"),
        decision("C", 10, "nurture", 0.1, owner: "o2"),
        decision("D", 10, "review", 0.5, owner: nil),
    ]

    static var ledger: OutcomeLedger {
        var ledger = OutcomeLedger()
        ledger.record(.init(kind: .converted, time: at(100)), for: "A")
        ledger.record(.init(kind: .disqualified, time: at(100)), for: "B")
        ledger.record(.init(kind: .converted, time: at(100)), for: "C")
        return ledger
    }

    @Test func handComputedComparison() {
        let c = BacktestComparison(record: Self.record, candidate: Self.candidate, ledger: Self.ledger)
        #expect(c.leads == 4)
        #expect(c.bothSides == 3)
        #expect(
            c.transitions == [
                .init(from: "none", to: "review", leads: 1),
                .init(from: "nurture", to: "nurture", leads: 1),
                .init(from: "nurture", to: "sales_ready", leads: 1),
                .init(from: "sales_ready", to: "sales_ready", leads: 1),
            ])
        #expect(c.tierChanged == 1)
        #expect(c.tierChangedShare == 1.0 / 3)
        // B o2 → o3, C nil → o2.
        #expect(c.ownerChanged == 2)
        #expect(c.labelled == 3)
        #expect(c.converted == 2)
        // Record: converted A 0.9, C 0.4 both above B 0.2. Candidate: A 0.8 > B 0.7 > C 0.1.
        #expect(c.record.auc == 1)
        #expect(c.candidate.auc == 0.5)
        #expect(c.record.precisionAtSalesReady == 1)
        #expect(c.record.salesReady == 1)
        #expect(c.candidate.precisionAtSalesReady == 0.5)
        #expect(c.candidate.byTier.map(\.tier) == ["nurture", "sales_ready"])
        #expect(c.candidate.byTier.map(\.converted) == [1, 1])
        #expect(c.record.ece != nil)
    }

    @Test func sameDecisionsChangeNothing() {
        let c = BacktestComparison(record: Self.record, candidate: Self.record, ledger: Self.ledger)
        #expect(c.tierChanged == 0)
        #expect(c.ownerChanged == 0)
        #expect(c.transitions.allSatisfy { $0.from == $0.to })
        #expect(c.record == c.candidate)
    }

    @Test func decisionsAtOrAfterTheOutcomeAreNotItsReference() {
        var ledger = OutcomeLedger()
        ledger.record(.init(kind: .converted, time: at(10)), for: "A")
        let c = BacktestComparison(record: Self.record, candidate: Self.candidate, ledger: ledger)
        // Record: A's decision at 0 is before the outcome; the candidate has none before it.
        #expect(c.labelled == 0)
    }
}
