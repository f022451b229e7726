import Foundation
import LeadLedgerCore
import Testing
@testable import LeadLedgerDecisions

/// SHA-256 and the versions made from it. A model or rule-set version is part of
/// every record and of the determinism contract (SPEC §8): the same bytes must give
/// the same version on every build, whatever computes the digest.
@Suite("SHA-256 and content versions")
struct ContentVersionTests {
    @Test("SHA-256 of the FIPS 180-4 / NIST test vectors", arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ])
    func vectors(message: String, digest: String) {
        #expect(SHA256Digest.hex(Array(message.utf8)) == digest)
        #expect(SHA256Digest.hash(Array(message.utf8)).count == 32)
    }

    @Test("SHA-256 of one million 'a' (many blocks)")
    func millionA() {
        #expect(SHA256Digest.hex([UInt8](repeating: 0x61, count: 1_000_000)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// The versions of the frozen configurations under `Golden/` (copies of the
    /// X Education regression in `config/` and of the stacked ensemble in
    /// `config/ensemble/` as main shipped them). A change here means every record's
    /// `model_version` or `ruleset_version` would change for the same files.
    @Test("model and rule-set versions of real configurations are unchanged")
    func realVersions() throws {
        let golden = GoldenOutputTests.directory
        let routing = golden.appendingPathComponent("config/routing.yaml")
        let regression = try DecisionConfiguration.load(scoringConfig: golden.appendingPathComponent("config/scoring.yaml"), routingRules: routing)
        #expect(regression.modelVersion == "0ffea1002297eff1")
        #expect(regression.rulesetVersion == "d9bb274ba528d463")
        let ensemble = try DecisionConfiguration.load(scoringConfig: golden.appendingPathComponent("ensemble/scoring.yaml"), routingRules: routing)
        #expect(ensemble.modelVersion == "1221acaee6b534c1")
    }
}
