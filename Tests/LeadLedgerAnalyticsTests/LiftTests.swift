import Foundation
import Testing

@testable import LeadLedgerAnalytics

struct LiftTests {
    @Test func twoProportionsByHand() throws {
        let lift = Lift(
            treatment: .init(leads: 100, converted: 30, revenue: 5000), holdout: .init(leads: 100, converted: 20, revenue: 1000))
        #expect(lift.treatment.revenuePerLead == 50)
        #expect(lift.holdout.revenuePerLead == 10)
        let d = try #require(lift.difference)
        #expect(abs(d - 0.1) < 1e-12)
        let se = (0.3 * 0.7 / 100 + 0.2 * 0.8 / 100).squareRoot()
        let ci = try #require(lift.differenceCI)
        #expect(abs(ci.lowerBound - (0.1 - 1.959964 * se)) < 1e-12)
        #expect(abs(ci.upperBound - (0.1 + 1.959964 * se)) < 1e-12)
        #expect(abs(try #require(lift.lift) - 0.5) < 1e-12)
        let seLog = (0.7 / 30 + 0.8 / 20).squareRoot()
        let liftCI = try #require(lift.liftCI)
        #expect(abs(liftCI.lowerBound - (1.5 * exp(-1.959964 * seLog) - 1)) < 1e-12)
        #expect(abs(liftCI.upperBound - (1.5 * exp(1.959964 * seLog) - 1)) < 1e-12)
        let pooled = 0.25
        #expect(abs(try #require(lift.z) - 0.1 / (pooled * (1 - pooled) * 0.02).squareRoot()) < 1e-12)
        // The interval on the difference contains 0 here: not significant at 95 %.
        #expect(ci.contains(0))
    }

    @Test func emptyOrConversionFreeArms() {
        let noHoldout = Lift(treatment: .init(leads: 10, converted: 3, revenue: 0), holdout: .init(leads: 0, converted: 0, revenue: 0))
        #expect(noHoldout.difference == nil)
        #expect(noHoldout.lift == nil)
        let noConversions = Lift(treatment: .init(leads: 10, converted: 0, revenue: 0), holdout: .init(leads: 10, converted: 0, revenue: 0))
        #expect(noConversions.difference == 0)
        #expect(noConversions.lift == nil)
        #expect(noConversions.z == nil)
    }

    @Test func armsOfLeadSummaries() {
        let decisions = [
            DecisionObservation(leadID: "A", time: at(0), tier: "sales_ready", arm: .treatment),
            DecisionObservation(leadID: "B", time: at(0), tier: "nurture", arm: .holdout),
            DecisionObservation(leadID: "C", time: at(0), tier: "nurture", arm: .holdout),
        ]
        var ledger = OutcomeLedger()
        ledger.recordWin(.init(opportunityID: "o", time: at(5), amount: 80), for: "A")
        ledger.record(.init(kind: .converted, time: at(5)), for: "C")
        let lift = Lift(leads: OutcomeKPIs.leads(decisions, ledger: ledger))
        #expect(lift.treatment == .init(leads: 1, converted: 1, revenue: 80))
        #expect(lift.holdout == .init(leads: 2, converted: 1, revenue: 0))
    }
}
