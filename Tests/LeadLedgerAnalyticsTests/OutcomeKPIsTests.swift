import LeadLedgerCore
import Testing

@testable import LeadLedgerAnalytics

/// 2026-11-01T00:00:00Z.
let t0: Int64 = 1_793_491_200_000

func at(_ seconds: Int64) -> EventTime { EventTime(milliseconds: t0 + seconds * 1000) }

struct OutcomeKPIsTests {
    /// Four leads over two UTC days (see each line); figures computed by hand.
    static func scenario() -> ([DecisionObservation], OutcomeLedger) {
        let decisions = [
            // A: seen at 0, nurture at 60 (routed), sales_ready at 600; converts at 3600, won 1000.
            DecisionObservation(leadID: "A", time: at(60), logOffset: 1, tier: "nurture", routeChanged: true),
            DecisionObservation(leadID: "A", time: at(600), logOffset: 5, tier: "sales_ready", routeChanged: true),
            // B: never seen before its first decision at 120 (routed); sales_ready at 300; overridden at 200; disqualified at 1000.
            DecisionObservation(leadID: "B", time: at(120), logOffset: 2, tier: "nurture", routeChanged: true),
            DecisionObservation(leadID: "B", time: at(300), logOffset: 4, tier: "sales_ready"),
            // C: next day, review, never routed, no outcome.
            DecisionObservation(leadID: "C", time: at(86_410), logOffset: 9, tier: "review"),
            // D: seen at 0, nurture at 30 (routed), no outcome.
            DecisionObservation(leadID: "D", time: at(30), logOffset: 0, tier: "nurture", routeChanged: true),
        ]
        var ledger = OutcomeLedger()
        ledger.recordSeen("A", at: at(0))
        ledger.recordSeen("D", at: at(0))
        ledger.record(.init(kind: .converted, time: at(3600)), for: "A")
        ledger.recordWin(.init(opportunityID: "o1", time: at(3700), amount: 1000), for: "A")
        ledger.record(.init(kind: .disqualified, time: at(1000)), for: "B")
        ledger.recordOverride("B", at: at(200))
        return (decisions, ledger)
    }

    @Test func figuresPerDay() {
        let (decisions, ledger) = Self.scenario()
        let rows = OutcomeKPIs.compute(decisions, ledger: ledger, by: [.day])
        #expect(rows.map(\.key.day) == ["2026-11-01", "2026-11-02"])
        let first = rows[0]
        #expect(first.leads == 3)
        #expect(first.qualified == 2)
        #expect(first.qualifiedRate == 2.0 / 3)
        // A: 600 − 0; B: 300 − 120 (its first decision is its first sighting). Nearest rank: median = 180, p90 = 600.
        #expect(first.timeToQualifyMedianSeconds == 180)
        #expect(first.timeToQualifyP90Seconds == 600)
        // A 60, B 0, D 30.
        #expect(first.routed == 3)
        #expect(first.meanTimeToRouteSeconds == 30)
        #expect(first.converted == 1)
        #expect(first.conversionRate == 1.0 / 3)
        #expect(first.precisionAtTarget == 0.5)
        #expect(first.revenue == 1000)
        #expect(first.revenuePerLead == 1000.0 / 3)
        #expect(first.revenuePerQualifiedLead == 500)
        #expect(first.overridden == 1)
        #expect(first.overrideRate == 1.0 / 3)
        #expect(first.byTier.map(\.tier) == ["nurture", "sales_ready"])
        #expect(first.byTier.map(\.leads) == [1, 2])
        #expect(first.byTier.map(\.converted) == [0, 1])
        let second = rows[1]
        #expect(second.leads == 1)
        #expect(second.qualifiedRate == 0)
        #expect(second.timeToQualifyMedianSeconds == nil)
        #expect(second.meanTimeToRouteSeconds == nil)
        #expect(second.precisionAtTarget == nil)
        #expect(second.overrideRate == 0)
    }

    @Test func referenceTierIsTheLastDecisionBeforeTheOutcome() {
        var (decisions, ledger) = Self.scenario()
        // A is demoted after it converted: its reference tier stays sales_ready.
        decisions.append(DecisionObservation(leadID: "A", time: at(4000), logOffset: 20, tier: "disqualified"))
        ledger.recordOverride("D", at: at(10))  // before D's first decision: not an override of a decision
        let rows = OutcomeKPIs.compute(decisions, ledger: ledger, by: [.tier])
        #expect(rows.map(\.key.tier) == ["nurture", "review", "sales_ready"])
        #expect(rows.map(\.leads) == [1, 1, 2])
        #expect(rows.map(\.converted) == [0, 0, 1])
        #expect(rows.map(\.overridden) == [0, 0, 1])
    }

    @Test func rangeSelectsLeadsByTheirFirstDecision() {
        let (decisions, ledger) = Self.scenario()
        // From 100 s on: B (first decision at 120) and C; A (60) and D (30) start earlier.
        let rows = OutcomeKPIs.compute(decisions, ledger: ledger, since: at(100), until: at(90_000), by: [])
        #expect(rows.count == 1)
        #expect(rows[0].leads == 2)
        #expect(rows[0].qualified == 1)
        #expect(rows[0].key == KPIGroupKey())
    }

    @Test func groupsByModelAndArm() {
        let decisions = [
            DecisionObservation(leadID: "A", time: at(0), tier: "sales_ready", modelVersion: "v2", arm: .holdout),
            DecisionObservation(leadID: "A", time: at(10), tier: "nurture", modelVersion: "v1", arm: .treatment),
            DecisionObservation(leadID: "B", time: at(5), tier: "nurture", modelVersion: "v1", arm: .treatment),
        ]
        let rows = OutcomeKPIs.compute(decisions, ledger: OutcomeLedger(), by: [.model, .arm])
        // A counts under its first decision's model and arm only.
        #expect(rows.map(\.key) == [KPIGroupKey(model: "v1", arm: .treatment), KPIGroupKey(model: "v2", arm: .holdout)])
        #expect(rows.map(\.leads) == [1, 1])
        #expect(rows.map(\.qualified) == [0, 1])
    }

    @Test func nearestRankPercentile() {
        #expect(OutcomeKPIs.percentile([], 0.5) == nil)
        #expect(OutcomeKPIs.percentile([7], 0.9) == 7)
        let values = (1...10).map(Double.init)
        #expect(OutcomeKPIs.percentile(values, 0.5) == 5)
        #expect(OutcomeKPIs.percentile(values, 0.9) == 9)
        #expect(OutcomeKPIs.percentile(values, 0.91) == 10)
    }
}
