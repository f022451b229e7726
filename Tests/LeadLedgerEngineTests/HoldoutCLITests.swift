import Foundation
import LeadLedgerDecisions
import LeadLedgerEngine
import TestSupport
import Testing

/// The holdout experiment as a user runs it: a `holdout:` section in the routing
/// rules, `run` on a generated workload, `kpis --by arm`.
@Suite("Holdout arm (CLI)", .serialized)
struct HoldoutCLITests {
    /// `kpis --by arm --format json`, as far as this test reads it.
    struct Report: Decodable {
        struct Lift: Decodable {
            struct Arm: Decodable { var leads: Int }
            var treatment: Arm
            var holdout: Arm
        }
        var lift: Lift?
    }

    /// A quarter of the leads are routed by the baseline: every routing and audit
    /// record names its arm, no holdout lead reaches a tier only the model gives
    /// (sales_ready, review) unless a person overrode it, `kpis --by arm` reports both arms and the lift, and
    /// `audit verify` re-derives every record. The time limit is a hang bound.
    @Test(.timeLimit(.minutes(4)))
    func aHoldoutShareIsRoutedByTheBaselineAndMeasured() async throws {
        let brokers = try EngineTestBroker.brokers()
        let directory = try makeTemporaryDirectory("holdout")
        let suffix = uniqueName("ho")
        let routing = (directory as NSString).appendingPathComponent("routing.yaml")
        let rules = try String(contentsOfFile: defaultRoutingFile, encoding: .utf8)
        try (rules + "\nholdout:\n  fraction: 0.25\n  key: ci-holdout\n  baseline_tier: sales_develop\n").write(
            toFile: routing, atomically: true, encoding: .utf8)
        let config = try writeConfiguration(directory: directory, brokers: brokers, suffix: suffix)
        let yaml = try String(contentsOfFile: config, encoding: .utf8)
        try yaml.replacingOccurrences(of: "routing_file: \(defaultRoutingFile)", with: "routing_file: \(routing)").write(
            toFile: config, atomically: true, encoding: .utf8)

        try await generateAndProcess(config: config, directory: directory, seed: 5, events: 1500, lagTimeout: 150)

        let records = try await readAll("routing-\(suffix)", partitions: 3, brokers: brokers).map { try RoutingRecordView($0.value) }
        try #require(!records.isEmpty)
        #expect(records.allSatisfy { $0.arm != nil })
        let holdout = records.filter { $0.arm == .holdout }
        #expect(!holdout.isEmpty && holdout.count < records.count)
        // Overrides (the generator writes some) apply in both arms: leads ever overridden are left out.
        let overridden = Set(records.filter { $0.change == .override }.map(\.leadID))
        let baseline = holdout.filter { !overridden.contains($0.leadID) }
        #expect(!baseline.isEmpty)
        #expect(baseline.allSatisfy { $0.tier != "sales_ready" && $0.tier != "review" }, "\(Set(baseline.map(\.tier)))")
        let audit = try await readAll("audit-\(suffix)", partitions: 3, brokers: brokers).map { try AuditRecordView($0.value) }
        #expect(audit.allSatisfy { record in record.decisions.allSatisfy { $0.arm != nil } })

        let kpis = try await runCLI(
            ["kpis", "--config", config, "--by", "arm", "--format", "json"], directory: directory, name: "kpis")
        #expect(kpis.status == 0, "\(kpis.stderr)")
        let report = try JSONDecoder().decode(Report.self, from: Data(kpis.stdout.utf8))
        let lift = try #require(report.lift)
        #expect(lift.holdout.leads > 0 && lift.treatment.leads > lift.holdout.leads)

        let verify = try await runCLI(
            ["audit", "verify", "--config", config, "--state-directory", directory + "/verify"], directory: directory, name: "verify",
            seconds: 180)
        #expect(verify.status == 0, "\(verify.stdout.suffix(2000))\(verify.stderr.suffix(2000))")
    }
}
