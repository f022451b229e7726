import Foundation
import LeadLedgerCore
import Testing

@testable import LeadLedgerDecisions

/// The versions made from SHA-256 (the digest's own known answers are in
/// `EncodingTests`). A model or rule-set version is part of
/// every record and of the determinism contract (SPEC §8): the same bytes must give
/// the same version on every build, whatever computes the digest.
@Suite("Content versions")
struct ContentVersionTests {
    /// The versions of the frozen configurations under `Golden/` (copies of the
    /// X Education regression in `config/` and of the stacked ensemble in
    /// `config/ensemble/` as main shipped them). A change here means every record's
    /// `model_version` or `ruleset_version` would change for the same files.
    @Test("model and rule-set versions of real configurations are unchanged")
    func realVersions() throws {
        let golden = GoldenOutputTests.directory
        let routing = golden.appendingPathComponent("config/routing.yaml")
        let regression = try DecisionConfiguration.load(
            scoringConfig: golden.appendingPathComponent("config/scoring.yaml"), routingRules: routing)
        #expect(regression.modelVersion == "0ffea1002297eff1")
        #expect(regression.rulesetVersion == "d9bb274ba528d463")
        let ensemble = try DecisionConfiguration.load(
            scoringConfig: golden.appendingPathComponent("ensemble/scoring.yaml"), routingRules: routing)
        #expect(ensemble.modelVersion == "1221acaee6b534c1")
    }
}
