import Foundation
import LeadLedgerEngine
import TestSupport
import Testing

/// The commands that read the log from an offset a user gives (`replay`, `audit
/// verify`, `consume`, `backtest`), given an offset past the end of a partition:
/// they end at once and say so, on Kafka (which answers such a fetch with
/// OFFSET_OUT_OF_RANGE) and on Tansu (which answers it with nothing at all). The
/// time limit is a hang bound.
@Suite(.timeLimit(.minutes(5)))
struct PastEndCLITests {
    /// After `run` decided a workload: a range past the end of the partition named
    /// is status 3 with one line naming the partition's end; at the end it is an
    /// empty range (status 0) that says so; over every partition, those the offset
    /// lies past are named and the others are read.
    @Test func rangesPastTheEndEndAndSaySo() async throws {
        let workspace = try CLIWorkspace("pastend")
        try await generateAndProcess(config: workspace.config, directory: workspace.directory, seed: 37, events: 300)
        let events = "events-\(workspace.suffix)"
        let log = try await readAll(events, partitions: 4, brokers: workspace.brokers)
        // The end of each partition: the offset after its last record.
        var ends: [Int64] = []
        for partition in 0..<Int32(4) {
            ends.append((log.filter { $0.partition == partition }.map(\.offset).max() ?? -1) + 1)
        }
        try #require(ends.allSatisfy { $0 > 0 } && Set(ends).count > 1, "\(ends)")
        let past = String(ends[0] + 50)

        // One partition, past its end: an error that names the end, nothing on stdout.
        for command in [["replay"], ["audit", "verify"]] {
            let result = try await workspace.run(command + ["--partition", "0", "--from-offset", past], "past-\(command.last!)")
            #expect(result.status == 3, "\(command): \(result.status) \(result.stderr)")
            #expect(
                result.stderr.contains(
                    "leadledger: error: \(events)[0] ends at offset \(ends[0]): --from-offset \(past) lies past its end"),
                "\(command): \(result.stderr)")
            #expect(result.stdout.isEmpty, "\(command): \(result.stdout)")
        }

        // At the end: an empty range, not an error, and the output says it is empty.
        let atEnd = try await workspace.run(["replay", "--partition", "0", "--from-offset", String(ends[0])], "at-end-replay")
        #expect(atEnd.status == 0 && atEnd.stdout.isEmpty, "\(atEnd.stderr)")
        #expect(
            atEnd.stderr.contains(
                "replayed \(events)[0] \(ends[0])..<\(ends[0]): the range is empty (the partition ends at offset \(ends[0]))"),
            "\(atEnd.stderr)")
        let verifyAtEnd = try await workspace.run(
            ["audit", "verify", "--partition", "0", "--from-offset", String(ends[0])], "at-end-verify")
        #expect(verifyAtEnd.status == 0, "\(verifyAtEnd.stderr)")
        #expect(
            verifyAtEnd.stdout.contains(
                "audit verify: OK: 0 audit and 0 routing records re-derived (log partitions 0:\(ends[0])..<\(ends[0]))"),
            "\(verifyAtEnd.stdout)")

        // Every partition, from an offset past the end of the shorter ones only: those are
        // named, the longest is verified.
        let longest = ends.indices.max { ends[$0] < ends[$1] }!
        let from = ends[longest] - 1
        let some = try await workspace.run(["audit", "verify", "--from-offset", String(from)], "some-past")
        #expect(some.status == 0, "\(some.stderr)")
        for partition in ends.indices where ends[partition] < from {
            #expect(
                some.stderr.contains("\(events)[\(partition)] ends at offset \(ends[partition]): --from-offset \(from) lies past its end"),
                "\(some.stderr)")
        }
        #expect(some.stdout.contains("audit verify: OK: 1 audit and "), "\(some.stdout)")
        #expect(some.stdout.contains("\(longest):\(from)..<\(ends[longest])"), "\(some.stdout)")

        // Past the end of every partition: an error.
        let all = String(ends.max()! + 1)
        for command in [["replay"], ["audit", "verify"]] {
            let result = try await workspace.run(command + ["--from-offset", all], "all-past-\(command.last!)")
            #expect(result.status == 3, "\(command): \(result.status) \(result.stderr)")
            #expect(
                result.stderr.contains("leadledger: error: --from-offset \(all) lies past the end of every partition of \(events)"),
                "\(command): \(result.stderr)")
        }
    }

    /// `consume --offset N` without a group: past the end of the partition it is an
    /// error naming the end, at the end it prints nothing and ends (`--exit-at-end`).
    /// `backtest` past the end of every partition is an error; a `--to-offset` past
    /// the end reads to the end.
    @Test func consumeAndBacktestPastTheEnd() async throws {
        let workspace = try CLIWorkspace("pastend-consume")
        try await generateAndProcess(config: workspace.config, directory: workspace.directory, seed: 41, events: 120)
        let events = "events-\(workspace.suffix)"
        let log = try await readAll(events, partitions: 4, brokers: workspace.brokers)
        let end = (log.filter { $0.partition == 1 }.map(\.offset).max() ?? -1) + 1
        let last = (log.map(\.offset).max() ?? -1) + 1

        let consume = ["consume", "-b", workspace.brokers, "--topic", events, "--partition", "1", "--exit-at-end"]
        let pastEnd = try await runCLI(
            consume + ["--offset", String(end + 5)], directory: workspace.directory, name: "consume-past")
        #expect(pastEnd.status == 3, "\(pastEnd.stderr)")
        #expect(
            pastEnd.stderr.contains("leadledger: error: \(events)[1] ends at offset \(end): --offset \(end + 5) lies past its end"),
            "\(pastEnd.stderr)")
        let atEnd = try await runCLI(consume + ["--offset", String(end)], directory: workspace.directory, name: "consume-end")
        #expect(atEnd.status == 0 && atEnd.stdout.isEmpty, "\(atEnd.status) \(atEnd.stdout) \(atEnd.stderr)")
        let lastRecord = try await runCLI(consume + ["--offset", String(end - 1)], directory: workspace.directory, name: "consume-last")
        #expect(lastRecord.status == 0 && lastRecord.stdout.hasPrefix("\(events)[1]@\(end - 1)\t"), "\(lastRecord.stdout)")

        let backtest = ["backtest", "--rules", defaultRoutingFile]
        let beyond = try await workspace.run(backtest + ["--from-offset", String(last + 1)], "backtest-past")
        #expect(beyond.status == 3, "\(beyond.stderr)")
        #expect(
            beyond.stderr.contains("leadledger: error: --from-offset \(last + 1) lies past the end of every partition of \(events)"),
            "\(beyond.stderr)")
        let toBeyond = try await workspace.run(backtest + ["--to-offset", String(last + 100)], "backtest-to-past")
        #expect(toBeyond.status == 0, "\(toBeyond.stderr)")
        #expect(toBeyond.stdout.contains("log events replayed: \(log.count);"), "\(toBeyond.stdout)")
    }
}
