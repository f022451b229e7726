import Foundation
import LeadLedgerCore
import Testing

@testable import LeadLedgerDecisions

/// Golden outputs of the golden scenario (``GoldenOutputTests``) decided with the
/// options the plain run leaves off: a holdout experiment (every record names its
/// `arm`), pseudonymous audit records (no emails), opened personal fields and a small
/// audit size cap (fan-out records cut, with `further_truncated`). The digests were
/// made by main's release before the decider's records became typed; a refactor
/// must leave them unchanged. `LEADLEDGER_REGENERATE_GOLDEN=1` rewrites
/// `Golden/variant-digests.txt` on a deliberate contract change.
@Suite("Golden outputs: holdout, pseudonymous audit and size-cap variants")
struct GoldenVariantTests {
    static let holdoutYAML = """

        holdout:
          fraction: 0.5
          key: golden-2026
          baseline_tier: sales_develop
        """

    /// The digests text of the scenario decided with every variant option on.
    static func digests(_ schema: AuditSchema, routing: RoutingSchema) throws -> String {
        var h = try mixedScenario()
        try GoldenOutputTests.seededLog(seed: 20_260_101, into: &h)
        let config = GoldenOutputTests.directory.appendingPathComponent("config")
        let rules = try String(contentsOf: config.appendingPathComponent("routing.yaml"), encoding: .utf8) + Self.holdoutYAML
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("golden-variant-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let rulesURL = directory.appendingPathComponent("routing.yaml")
        try Data(rules.utf8).write(to: rulesURL)
        // The scoring configuration names its model artifact relative to itself: copy both.
        for name in ["scoring.yaml", "lr.json"] {
            try FileManager.default.copyItem(at: config.appendingPathComponent(name), to: directory.appendingPathComponent(name))
        }
        var configuration = try DecisionConfiguration.load(
            scoringConfig: directory.appendingPathComponent("scoring.yaml"), routingRules: rulesURL)
        configuration.auditRecordLimit = 6_000
        configuration.auditSchema = schema
        configuration.routingSchema = routing
        var decider = Decider(configuration)
        decider.pseudonymousAudit = true
        decider.openPersonalField = { "opened:" + $0 }
        var replay = Replay()
        replay.run(h.log[...], decider: decider)
        let routing = replay.outputs.flatMap(\.routing)
        let audit = replay.outputs.flatMap(\.audit)
        let truncated = audit.filter { String(decoding: $0.value, as: UTF8.self).contains(#""further_truncated":"#) }.count
        return """
            ruleset_version \(configuration.rulesetVersion)
            routing_records \(routing.count)
            routing_sha256 \(ContentVersion(of: GoldenOutputTests.Outputs.bytes(routing)).sha256)
            audit_records \(audit.count)
            audit_truncated \(truncated)
            audit_sha256 \(ContentVersion(of: GoldenOutputTests.Outputs.bytes(audit)).sha256)

            """
    }

    /// Audit schema_version 2 with routing schema_version 1 against the digests of main's
    /// release from before audit version 3 (`variant-digests.txt`, unchanged); audit
    /// version 3 with routing version 1 against `variant-digests-v3.txt` (main's release
    /// from before routing version 2); the defaults against `variant-digests-v3-routing-v2.txt`.
    @Test(
        "holdout, pseudonymous and size-capped outputs equal the committed variant digests",
        arguments: GoldenOutputTests.Versions.all)
    func variantDigests(versions: GoldenOutputTests.Versions) throws {
        let digests = try Self.digests(versions.audit, routing: versions.routing)
        let url = GoldenOutputTests.directory.appendingPathComponent("variant-digests\(versions.suffix).txt")
        if GoldenOutputTests.regenerate { try Data(digests.utf8).write(to: url) }
        let committed = try String(contentsOf: url, encoding: .utf8)
        #expect(digests == committed, "the variant outputs differ from Golden/variant-digests.txt")
        #expect(digests.contains("audit_truncated 0") == false, "the size cap cuts no record: the variant does not cover truncation")
    }
}
