import Foundation
import LeadLedgerCore
import Testing

@testable import LeadLedgerDecisions

/// The named B2B situations of ``B2BScenario`` (a VP demo request, a student on the
/// careers page, unsubscribes and bounces, a competitor, a second contact at the
/// account, a named account owner, reasons that name what the lead has), run
/// against EVERY shipped configuration (`config/scoring.yaml`,
/// `config/ensemble/scoring.yaml`, both with `config/routing.yaml`). A failure
/// names the scenario, the lead, the expected and actual tier and the top reasons.
@Suite("B2B scenarios on every shipped configuration")
struct B2BScenarioTests {
    /// The shipped scoring configurations, relative to the repository root.
    static let shipped = ["config/scoring.yaml", "config/ensemble/scoring.yaml"]

    static func load(_ scoring: String) throws -> DecisionConfiguration {
        let root = Fixtures.repositoryRoot
        return try DecisionConfiguration.load(
            scoringConfig: root.appendingPathComponent(scoring),
            routingRules: root.appendingPathComponent("config/routing.yaml"))
    }

    @Test(
        "the X Education example configurations still load against the feature catalogue",
        arguments: ["examples/xeducation/scoring.yaml", "examples/xeducation/ensemble/scoring.yaml"])
    func examplesLoad(scoring: String) throws {
        let c = try Self.load(scoring)
        #expect(c.extractor.schema.names.count > FeatureCatalogue.Index.builtInCount)
    }

    @Test("every B2B scenario passes on every shipped configuration", arguments: shipped, B2BScenario.all.map(\.name))
    func scenario(config: String, name: String) throws {
        let scenario = try #require(B2BScenario.all.first { $0.name == name })
        let outcome = scenario.run(try Self.load(config))
        #expect(outcome.passed, "[\(config)] \(scenario.expectation): \(outcome.failures.joined(separator: " | "))")
    }

    @Test("the suite covers the situations a sales team names")
    func coverage() {
        #expect(
            Set(B2BScenario.all.map(\.name)).isSuperset(of: [
                "vp-demo-request", "student-careers", "unsubscribed", "bounced", "competitor-domain", "account-colleague", "account-owner",
            ]))
    }

    @Test("a configuration that ranks everyone as nurture fails, and the failure names the lead, the tiers and the reasons")
    func failingConfigurationIsExplained() throws {
        // A model with no weights and a very low intercept: every lead stays in nurture.
        let flat = try DecisionFixtures.configuration(weights: [:], intercept: -8)
        let outcome = B2BScenario.all.first { $0.name == "vp-demo-request" }!.run(flat)
        #expect(!outcome.passed)
        let line = try #require(outcome.failures.first)
        #expect(line.hasPrefix("vp-demo-request: lead ld_"), "\(line)")
        #expect(line.contains("expected sales_ready or sales_develop, got nurture"), "\(line)")
        #expect(line.contains("top reasons: "), "\(line)")
    }
}
