import Foundation
import LeadLedgerCore
import LeadLedgerDecisions
import LeadLedgerEngine
import TestSupport
import Testing

/// Audit records of schema_version 3 as a user meets them: compact records whose
/// `feature_set` is the one `leadledger features` prints, reasons that `explain`
/// renders as the routing records word them, and `audit verify` in either schema.
@Suite("Audit schema_version 3 (CLI)", .serialized)
struct AuditSchemaCLITests {
    struct FeatureList: Decodable {
        var modelVersion: String
        var featureSet: String
        var features: [Feature]
        struct Feature: Decodable {
            var index: Int
            var name: String
        }
    }

    struct Explanation: Decodable {
        var decisions: [Decision]
        struct Decision: Decodable {
            var routingDecisionId: String?
            var reasons: [Reason]
        }
        struct Reason: Decodable {
            var feature: String
            var text: String
        }
    }

    /// The time limit is a hang bound.
    @Test(.timeLimit(.minutes(4)))
    func compactRecordsExplainAndVerify() async throws {
        let brokers = try EngineTestBroker.brokers()
        let directory = try makeTemporaryDirectory("auditschema")
        let suffix = uniqueName("as")
        let config = try writeConfiguration(directory: directory, brokers: brokers, suffix: suffix)
        try await generateAndProcess(config: config, directory: directory, seed: 11, events: 500, lagTimeout: 120)

        // `features` prints the list the records are aligned to.
        let features = try await runCLI(["features", "--config", config, "--format", "json"], directory: directory, name: "features")
        #expect(features.status == 0, "\(features.stderr)")
        #expect(try await schemaViolations([Array(features.stdout.utf8)], schema: "cli/features", directory: directory) == "")
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let list = try decoder.decode(FeatureList.self, from: Data(features.stdout.utf8))
        #expect(list.features.map(\.index) == Array(0..<list.features.count))
        #expect(list.featureSet == FeatureSet(names: list.features.map(\.name)).id)

        let rawAudit = try await readAll("audit-\(suffix)", partitions: 3, brokers: brokers)
        #expect(rawAudit.count > 100)
        #expect(try await schemaViolations(rawAudit.map(\.value), schema: "leadledger.audit", directory: directory) == "")
        let sets = FeatureSets([FeatureSet(names: list.features.map(\.name))])
        let audit = try rawAudit.map { try AuditRecordView($0.value, featureSets: sets) }
        #expect(audit.allSatisfy { $0.schemaVersion == 3 && $0.featureSet == list.featureSet && $0.modelVersion == list.modelVersion })
        #expect(!rawAudit.contains { String(decoding: $0.value, as: UTF8.self).contains(#""emails""#) })

        // explain words each reason as the routing record of the same decision does.
        let rawRouting = try await readAll("routing-\(suffix)", partitions: 3, brokers: brokers)
        #expect(try await schemaViolations(rawRouting.map(\.value), schema: "leadledger.routing", directory: directory) == "")
        let routing = try rawRouting.map { try RoutingRecordView($0.value) }
        #expect(routing.allSatisfy { $0.schemaVersion == .v2 })
        let routed = try #require(routing.first { $0.reasons.count >= 2 && $0.change == .new }, "no routing record with reasons")
        let explained = try await runCLI(
            ["explain", "--config", config, "--lead", routed.leadID, "--format", "json"], directory: directory, name: "explain")
        #expect(explained.status == 0, "\(explained.stderr)")
        let explanation = try decoder.decode(Explanation.self, from: Data(explained.stdout.utf8))
        let decision = try #require(explanation.decisions.first { $0.routingDecisionId == routed.decisionID }, "\(explained.stdout)")
        #expect(decision.reasons.map(\.text) == routed.reasons.map(\.text))
        #expect(decision.reasons.map(\.feature) == routed.reasons.map(\.feature))

        // Verified in the schema written; re-derived as version 2, every record differs.
        let verify = try await runCLI(["audit", "verify", "--config", config], directory: directory, name: "verify", seconds: 150)
        #expect(
            verify.status == 0 && verify.stdout.contains("audit verify: OK"), "\(verify.stdout.suffix(1500))\(verify.stderr.suffix(1500))")
        let asV2 = try await runCLI(
            ["audit", "verify", "--config", config, "--audit-schema-version", "2", "--format", "json"], directory: directory,
            name: "verify-v2", seconds: 150)
        #expect(asV2.status == 1, "\(asV2.stderr.suffix(1500))")
        #expect(asV2.stdout.contains(#""kind":"DIFFERS""#) && asV2.stdout.contains(#""topic":"audit-\#(suffix)""#))
        #expect(!asV2.stdout.contains(#""topic":"routing-\#(suffix)""#), "routing records do not depend on the audit schema")
    }
}
