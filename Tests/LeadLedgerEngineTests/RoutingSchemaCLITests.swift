import Foundation
import LeadLedgerCore
import LeadLedgerDecisions
import LeadLedgerEngine
import TestSupport
import Testing

/// Routing records across the upgrade to schema_version 2, as an operator meets
/// it: a range written with `routing_schema_version: 1` (the previous release's
/// bytes) is read by `watch` and verified with `audit verify
/// --routing-schema-version 1`; re-derived as version 2, only its routing records differ.
@Suite("Routing schema_version 1 and 2 (CLI)", .serialized)
struct RoutingSchemaCLITests {
    /// The time limit is a hang bound.
    @Test(.timeLimit(.minutes(4)))
    func versionOneRangeReadsAndVerifies() async throws {
        let brokers = try EngineTestBroker.brokers()
        let directory = try makeTemporaryDirectory("routingschema")
        let suffix = uniqueName("rs")
        let config = try writeConfiguration(directory: directory, brokers: brokers, suffix: suffix)
        let yaml = try String(contentsOfFile: config, encoding: .utf8)
        try (yaml + "\nrouting_schema_version: 1\n").write(toFile: config, atomically: true, encoding: .utf8)
        try await generateAndProcess(config: config, directory: directory, seed: 17, events: 300, lagTimeout: 120)

        let raw = try await readAll("routing-\(suffix)", partitions: 3, brokers: brokers)
        #expect(raw.count > 20)
        #expect(try await schemaViolations(raw.map(\.value), schema: "leadledger.routing.v1", directory: directory) == "")
        let routing = try raw.map { try RoutingRecordView($0.value) }
        #expect(routing.allSatisfy { $0.schemaVersion == .v1 })
        #expect(routing.contains { $0.reasons.contains { $0.kind == .feature } })
        #expect(!raw.contains { String(decoding: $0.value, as: UTF8.self).contains(#""kind":"feature""#) })

        let watch = try await runCLI(
            ["watch", "--config", config, "--routing-only", "--max-messages", "5", "--idle", "5"], directory: directory, name: "watch")
        #expect(watch.status == 0, "\(watch.stderr)")
        #expect(watch.stdout.split(separator: "\n").filter { $0.contains("ROUTE ") }.count == 5, "\(watch.stdout)")
        #expect(!watch.stdout.contains("not a routing record"), "\(watch.stdout)")

        // Verified in the version it was written in.
        let verify = try await runCLI(
            ["audit", "verify", "--config", config, "--routing-schema-version", "1"], directory: directory, name: "verify-v1",
            seconds: 150)
        #expect(
            verify.status == 0 && verify.stdout.contains("audit verify: OK"), "\(verify.stdout.suffix(1500))\(verify.stderr.suffix(1500))")
        // Re-derived as version 2 (the new binary's default): every routing record differs, no audit record does.
        try yaml.write(toFile: config, atomically: true, encoding: .utf8)
        let asV2 = try await runCLI(
            ["audit", "verify", "--config", config, "--format", "json"], directory: directory, name: "verify-v2", seconds: 150)
        #expect(asV2.status == 1, "\(asV2.stderr.suffix(1500))")
        #expect(asV2.stdout.contains(#""kind":"DIFFERS""#) && asV2.stdout.contains(#""topic":"routing-\#(suffix)""#))
        #expect(!asV2.stdout.contains(#""topic":"audit-\#(suffix)""#), "audit records do not depend on the routing schema")
        #expect(!asV2.stdout.contains(#""kind":"MISSING""#) && !asV2.stdout.contains(#""kind":"UNEXPECTED""#))
    }
}
