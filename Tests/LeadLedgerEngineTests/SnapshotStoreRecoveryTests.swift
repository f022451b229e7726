import Foundation
import Kafka
import LeadLedgerEngine
import TestSupport
import Testing

@Suite("Unreadable snapshot store (CLI)")
struct SnapshotStoreRecoveryTests {
    /// Run a workload, stop (hand-over snapshots), overwrite snapshots.sqlite with
    /// garbage, produce more and run again: the process warns loudly, replays its
    /// partitions in full instead of stopping, catches up, and `audit verify`
    /// finds every decision equal to a clean replay's.
    @Test(.timeLimit(.minutes(6)))
    func damagedSnapshotDatabaseFallsBackToFullReplay() async throws {
        let brokers = try EngineTestBroker.brokers()
        let directory = try makeTemporaryDirectory("snapstore")
        let suffix = uniqueName("ss")
        let config = try writeConfiguration(directory: directory, brokers: brokers, suffix: suffix)
        let state = directory + "/state"
        let setup = try await runCLI(["generate", "--config", config, "--events", "0"], directory: directory, name: "setup")
        #expect(setup.status == 0, "\(setup.stderr)")
        let generate = ["generate", "--config", config, "--seed", "21", "--malformed-rate", "0.02"]
        let first = try await runCLI(generate + ["--events", "1200"], directory: directory, name: "generate-1")
        #expect(first.status == 0, "\(first.stderr)")

        let runA = try CLIProcess(["run", "--config", config, "--state-directory", state], directory: directory, name: "run-a")
        defer { runA.signal(SIGKILL) }
        let lagA = try await runCLI(
            ["lag", "--config", config, "--wait", "--timeout", "150"], directory: directory, name: "lag-a", seconds: 180)
        #expect(lagA.status == 0 && lagA.stdout.contains("lag: caught up"), "\(lagA.stdout)\(runA.stderr.suffix(2000))")
        runA.signal(SIGTERM)
        #expect(try await runA.wait(seconds: 60) == 0, "\(runA.stderr.suffix(2000))")

        // Damage the database: its header and first pages become garbage.
        let database = state + "/snapshots.sqlite"
        let size = (try FileManager.default.attributesOfItem(atPath: database)[.size] as? Int) ?? 0
        #expect(size > 4096, "no snapshots were written")
        let handle = try #require(FileHandle(forWritingAtPath: database))
        try handle.write(contentsOf: Data((0..<min(size, 65_536)).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }))
        try handle.close()

        let second = try await runCLI(generate + ["--events", "600", "--skip", "1200"], directory: directory, name: "generate-2")
        #expect(second.status == 0, "\(second.stderr)")
        let runB = try CLIProcess(["run", "--config", config, "--state-directory", state], directory: directory, name: "run-b")
        defer { runB.signal(SIGKILL) }
        let lagB = try await runCLI(
            ["lag", "--config", config, "--wait", "--timeout", "150"], directory: directory, name: "lag-b", seconds: 180)
        #expect(lagB.status == 0 && lagB.stdout.contains("lag: caught up"), "\(lagB.stdout)\(runB.stderr.suffix(2000))")
        #expect(runB.stderr.contains("SNAPSHOT STORE UNREADABLE"), "\(runB.stderr.suffix(2000))")

        let verify = try await runCLI(
            ["audit", "verify", "--config", config, "--state-directory", directory + "/verify"], directory: directory, name: "verify")
        #expect(
            verify.status == 0 && verify.stdout.contains("audit verify: OK"), "\(verify.stdout.suffix(2000))\(verify.stderr.suffix(2000))")
        runB.signal(SIGTERM)
        #expect(try await runB.wait(seconds: 60) == 0, "\(runB.stderr.suffix(2000))")
    }
}
