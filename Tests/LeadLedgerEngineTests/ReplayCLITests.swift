import Foundation
import LeadLedgerEngine
import TestSupport
import Testing

/// `leadledger replay` as a user runs it, after `run` has decided a workload.
@Suite(.timeLimit(.minutes(4)))
struct ReplayCLITests {
    /// Replay re-derives the records `run` wrote, byte for byte: per partition,
    /// from a later offset (the same lines as the tail of the full replay), and
    /// over every partition at once (in partition order, the same output for any
    /// `--jobs`).
    @Test func replayReDerivesWhatRunWrote() async throws {
        let workspace = try CLIWorkspace("replay")
        try await generateAndProcess(config: workspace.config, directory: workspace.directory, seed: 31, events: 400)

        let audit = try await readAll("audit-\(workspace.suffix)", partitions: 3, brokers: workspace.brokers)
        // Every audit record on the topic, by its bytes (without the record's trailing newline, as replay prints it).
        let written = Set(audit.map { String(decoding: $0.value, as: UTF8.self).trimmingCharacters(in: .newlines) })

        var perPartition: [String] = []
        for partition in 0..<4 {
            let replay = try await workspace.run(["replay", "--partition", String(partition)], "replay-\(partition)")
            #expect(replay.status == 0, "\(replay.stderr)")
            #expect(replay.stderr.contains("replayed events-\(workspace.suffix)[\(partition)] 0..<"), "\(replay.stderr)")
            perPartition.append(replay.stdout)
        }
        let lines = perPartition.joined().split(separator: "\n").map(String.init)
        let auditLines = lines.filter { $0.hasPrefix("audit-\(workspace.suffix)\t") }
        #expect(auditLines.count == audit.count, "\(auditLines.count) audit records re-derived, \(audit.count) on the topic")
        for line in auditLines {
            let fields = line.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false)
            #expect(
                fields.count == 3 && written.contains(String(fields[2])),
                "a re-derived audit record is not on the topic: \(line.prefix(200))")
        }
        // One line per output: topic, key and value.
        #expect(
            perPartition.joined().split(separator: "\n", omittingEmptySubsequences: false).dropLast()
                .allSatisfy { $0.split(separator: "\t", omittingEmptySubsequences: false).count == 3 })

        // From a later offset: the tail of the partition's full replay.
        let fromLater = try await workspace.run(["replay", "--partition", "0", "--from-offset", "40"], "replay-from")
        #expect(fromLater.status == 0, "\(fromLater.stderr)")
        #expect(!fromLater.stdout.isEmpty && perPartition[0].hasSuffix(fromLater.stdout) && fromLater.stdout != perPartition[0])

        // Every partition: the per-partition outputs in partition order, whatever --jobs.
        for jobs in [1, 3] {
            let all = try await workspace.run(["replay", "--jobs", String(jobs)], "replay-all-\(jobs)")
            #expect(all.status == 0, "\(all.stderr)")
            #expect(all.stdout == perPartition.joined(), "--jobs \(jobs): the output differs from the partitions replayed one by one")
        }

        // A partition the log does not have is an error, not a wait for it to appear.
        for command in [["replay"], ["audit", "verify"]] {
            let missing = try await workspace.run(command + ["--partition", "9"], "missing-\(command[0])")
            #expect(
                missing.status == 3 && missing.stderr.contains("topic events-\(workspace.suffix) has no partition 9"),
                "\(command): \(missing.status) \(missing.stderr)")
        }

        let badJobs = try await workspace.run(["replay", "--jobs", "0"], "replay-bad")
        #expect(badJobs.status == 2 && badJobs.stderr.contains("--jobs must be at least 1"), "\(badJobs.stderr)")
    }
}
