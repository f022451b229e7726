import Foundation
import LeadLedgerCore
import Testing

@testable import LeadLedgerDecisions

@Suite("Holdout arm")
struct HoldoutTests {
    static let holdoutYAML = """

        holdout:
          fraction: 0.5
          key: test-2026
          baseline_tier: sales_develop
        """

    /// Forty leads, each created with a VP title and a pricing page view.
    static func workload() throws -> DecisionHarness {
        var h = DecisionHarness()
        for i in 0..<40 {
            let minute = String(format: "%02d", i)
            try h.feed(
                .crm,
                crmLead(
                    "H\(i)", at: "2024-05-01T09:\(minute):00Z",
                    #""email":"lead\#(i)@corp\#(i % 7).io","title":"VP Engineering","country":"US""#))
        }
        return h
    }

    @Test func armsAreAKeyedHashOfTheLeadIdAndSplitAboutTheFraction() throws {
        let policy = HoldoutPolicy(fraction: 0.2, key: "q4", baselineTier: .salesDevelop)
        let leads = (1...10_000).map { LeadID(raw: UInt64($0) &* 0x9E37_79B9_7F4A_7C15) }
        let holdout = leads.filter { policy.arm(of: $0) == .holdout }.count
        #expect(holdout > 1_850 && holdout < 2_150, "\(holdout) of 10,000 in the holdout arm at 20 %")
        // Stable for a key; another key draws other arms.
        #expect(leads.map { policy.arm(of: $0) } == leads.map { policy.arm(of: $0) })
        let other = HoldoutPolicy(fraction: 0.2, key: "q1", baselineTier: .salesDevelop)
        #expect(leads.filter { policy.arm(of: $0) != other.arm(of: $0) }.count > 2_000)
    }

    @Test func holdoutLeadsAreRoutedByTheBaselineAndEveryRecordNamesItsArm() throws {
        let h = try Self.workload()
        // Every lead scores 95 with this model: the model routes them all to sales_ready.
        let config = try DecisionFixtures.configuration(
            routing: DecisionFixtures.routingYAML + Self.holdoutYAML, weights: [:], intercept: 3)
        var r = Replay()
        r.run(h.log[...], decider: Decider(config))
        let routing = try r.outputs.flatMap { try $0.routing.map { try RoutingRecordView($0.value) } }
        let audit = try r.outputs.flatMap { try $0.audit.map { try AuditRecordView($0.value) } }
        let policy = try #require(config.routing.holdout)
        #expect(Set(routing.map(\.leadID)).count == 40)
        for record in routing {
            let arm = policy.arm(of: try #require(LeadID(record.leadID)))
            #expect(record.arm == arm)
            #expect(record.tier == (arm == .holdout ? "sales_develop" : "sales_ready"), "\(record.leadID) \(arm)")
            #expect(record.score >= 90, "the holdout lead's score is still computed and recorded")
        }
        let arms = Set(routing.compactMap(\.arm))
        #expect(arms == [.treatment, .holdout])
        for record in audit {
            let decision = try #require(record.decision)
            #expect(record.arm == decision.arm && decision.arm != nil)
        }
    }

    @Test func withoutAHoldoutNoRecordHasAnArmAndTheBytesAreUnchanged() throws {
        let h = try Self.workload()
        var plain = Replay()
        plain.run(h.log[...], decider: Decider(try DecisionFixtures.configuration(weights: [:], intercept: 3)))
        let routing = try plain.outputs.flatMap { try $0.routing.map { try RoutingRecordView($0.value) } }
        #expect(routing.allSatisfy { $0.arm == nil && $0.tier == "sales_ready" })
        #expect(!plain.allBytes.isEmpty && !String(decoding: plain.allBytes, as: UTF8.self).contains(#""arm""#))
    }

    @Test func invalidHoldoutsFailAtLoadWithTheField() throws {
        for (yaml, field) in [
            ("holdout: {fraction: 0.7, key: k}", "holdout.fraction"),
            ("holdout: {fraction: 0, key: k}", "holdout.fraction"),
            ("holdout: {fraction: 0.1}", "holdout"),
            ("holdout: {fraction: 0.1, key: k, baseline_tier: hot}", "holdout.baseline_tier"),
        ] {
            do {
                _ = try RoutingRules.load(yaml: Data((DecisionFixtures.routingYAML + "\n" + yaml).utf8), source: "routing.yaml")
                Issue.record("accepted \(yaml)")
            } catch let error as DecisionsError {
                #expect(error.field?.hasPrefix(field) == true, "\(error)")
            }
        }
    }
}
