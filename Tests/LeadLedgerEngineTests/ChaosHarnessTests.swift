import Foundation
import TestSupport
import Testing

@Suite("Chaos harness (leadledger-bench chaos)")
struct ChaosHarnessTests {
    /// The harness on a broker of its own (it freezes that broker, which would stall
    /// every other test on the shared one): port `$LEADLEDGER_CHAOS_BROKER_PORT`, else
    /// the test broker's port + 2 (+ 1 is the outage test's), else 19612.
    static var brokerPort: Int {
        let env = ProcessInfo.processInfo.environment
        if let port = env["LEADLEDGER_CHAOS_BROKER_PORT"].flatMap(Int.init) { return port }
        if let port = env["LEADLEDGER_TEST_BROKER_PORT"].flatMap(Int.init) { return port + 2 }
        return 19612
    }

    /// The debug `leadledger-bench` built with the tests, beside the test bundle.
    static var benchExecutable: String {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("leadledger-bench")
            .path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        return repoRoot.appendingPathComponent(".build/debug/leadledger-bench").path
    }

    /// Six kills (SIGKILL or SIGTERM, seeded) of two `leadledger run` processes under a
    /// steady workload and one broker freeze longer than their message.timeout.ms; the
    /// harness then checks accounting, lineage, audit ids, duplicates and `audit verify`
    /// from the topics. Its deadline bounds the run; the time limit is a hang guard.
    @Test(.timeLimit(.minutes(5)))
    func sixKillsAndAFreezeLoseNothing() async throws {
        let directory = try makeTemporaryDirectory("chaos")
        let outputPath = (directory as NSString).appendingPathComponent("chaos.out")
        let process = try ChildProcess(
            Self.benchExecutable,
            [
                "chaos", "--kills", "6", "--seed", "14", "--processes", "2", "--rate", "100", "--min-gap", "1", "--max-gap", "3",
                "--message-timeout-ms", "2000", "--freeze-seconds", "5", "--deadline", "180",
                "--broker-port", String(Self.brokerPort), "--broker-script", repoRoot.appendingPathComponent("scripts/broker").path,
                "--cli", leadledgerExecutable, "--directory", directory,
                "--scoring-file", defaultScoringFile, "--routing-file", defaultRoutingFile,
            ],
            stdout: .file(outputPath), stderr: .file((directory as NSString).appendingPathComponent("chaos.err")))
        // A failed expectation or the time limit must not leave the harness (and its children) running.
        defer { process.signal(SIGINT) }
        let status = try await process.wait(seconds: 240)
        #expect(status != nil, "the harness outlived its own deadline")
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let lines = output.split(separator: "\n").map(String.init)
        #expect(status == 0, "\(output.suffix(4000))")
        #expect(lines.last == "kills 6, lost 0, divergent 0, duplicates \(Self.duplicates(lines.last ?? ""))", "\(output.suffix(4000))")
        for check in ["accounting", "lineage", "audit ids", "duplicates (log)", "duplicates (audit)", "audit verify", "drain"] {
            #expect(lines.contains { $0.hasPrefix("check \(check): ok") }, "check \(check): \(output.suffix(4000))")
        }
        #expect(lines.contains { $0.hasPrefix("broker frozen once for 5.0 s") }, "\(output.suffix(4000))")
        // No run process died by itself (each serves HTTP on a port of its own, and the faults end none of them).
        #expect(lines.contains("unexpected exits (restarted): 0"), "\(output.suffix(4000))")
    }

    /// The duplicates figure of a result line (any count is fine: repeats are allowed, they must be identical).
    static func duplicates(_ line: String) -> String {
        line.split(separator: " ").last.map(String.init) ?? "?"
    }
}
