import Foundation
import LeadLedgerDecisions
import LeadLedgerEngine
import TestSupport
import Testing

/// What a user sees of the audit size cap: `watch` and `explain` say when an
/// audit record left further decisions out (`further_truncated`).
@Suite("Audit size cap (CLI)", .serialized)
struct AuditCapCLITests {
    /// With the smallest cap (4 KiB) account fan-outs are cut: `watch` marks the
    /// cut records, and `explain` of a lead of such an account notes that some of
    /// its decisions may be in the part left out. The time limit is a hang bound.
    @Test(.timeLimit(.minutes(3)))
    func watchAndExplainNameWhatTheCapLeftOut() async throws {
        let brokers = try EngineTestBroker.brokers()
        let directory = try makeTemporaryDirectory("auditcap")
        let suffix = uniqueName("ac")
        let config = try writeConfiguration(directory: directory, brokers: brokers, suffix: suffix)
        try (try String(contentsOfFile: config, encoding: .utf8) + "\naudit_max_bytes: 4096\n").write(
            toFile: config, atomically: true, encoding: .utf8)
        try await generateAndProcess(config: config, directory: directory, seed: 3, events: 600, lagTimeout: 120)

        let audit = try await readAll("audit-\(suffix)", partitions: 3, brokers: brokers).map { try AuditRecordView($0.value) }
        let cut = try #require(audit.first { $0.furtherTruncated != nil && $0.accountID != nil }, "no record was cut at 4 KiB")
        let watch = try await runCLI(
            ["watch", "--config", config, "--max", "\(audit.count)", "--idle", "5"], directory: directory, name: "watch", seconds: 120)
        #expect(watch.stdout.contains("left out by the size cap"), "\(watch.stdout.suffix(2000))")

        // A lead of that account (named by a record of it) that the cut record does not show,
        // explained: its decision may be in the part left out. (A lead the cut record shows
        // lost nothing to it, and explain rightly leaves the note out; which leads the cut
        // keeps depends on the order the stages interleaved the inbound topics.)
        let shown = Set(cut.decisions.map(\.leadID))
        let lead = try #require(
            audit.lazy.filter { $0.accountID == cut.accountID }.flatMap(\.decisions).map(\.leadID).first { !shown.contains($0) },
            "no decided lead of \(cut.accountID!) outside the cut record")
        let explain = try await runCLI(["explain", "--config", config, "--lead", lead], directory: directory, name: "explain")
        #expect(explain.status == 0, "\(explain.stderr)")
        #expect(explain.stdout.contains("further decision(s) out (audit_max_bytes, further_truncated)"), "\(explain.stdout.prefix(1500))")
    }
}
