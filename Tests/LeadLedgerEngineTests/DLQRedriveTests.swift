import Foundation
import Kafka
import LeadLedgerCore
import LeadLedgerEngine
import TestSupport
import Testing

@Suite("dlq redrive (CLI)")
struct DLQRedriveTests {
    /// Leads dated three weeks ahead are rejected as `timestamp_out_of_range` under the
    /// default skew. Once the cause is fixed (`run --max-future-skew 30d`), `dlq redrive`
    /// puts the originals back on their topic; they are decided; a second redrive
    /// repeats nothing.
    @Test(.timeLimit(.minutes(8)))
    func redriveAfterTheFix() async throws {
        let brokers = try EngineTestBroker.brokers()
        let directory = try makeTemporaryDirectory("redrive")
        let suffix = uniqueName("rd")
        let config = try writeConfiguration(directory: directory, brokers: brokers, suffix: suffix)
        let setup = try await runCLI(["generate", "--config", config, "--events", "0"], directory: directory, name: "setup")
        #expect(setup.status == 0, "\(setup.stderr)")
        let ahead = ISO8601DateFormatter().string(from: Date().addingTimeInterval(21 * 86_400))
        let now = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-60))
        var records = (0..<4).map { i in
            (
                key: "00Qahead\(i)",
                value:
                    #"{"event_id":"evt-ahead-\#(i)-\#(suffix)","type":"lead.created","occurred_at":"\#(ahead)","source":"salesforce","record_id":"00Qahead\#(i)","lead":{"email":"ahead\#(i)@redrive-\#(suffix).com","title":"VP Sales"}}"#
            )
        }
        records.append(
            (
                key: "00Qnow",
                value:
                    #"{"event_id":"evt-now-\#(suffix)","type":"lead.created","occurred_at":"\#(now)","source":"salesforce","record_id":"00Qnow","lead":{"email":"now@redrive-\#(suffix).com"}}"#
            ))
        try await produce("crm-\(suffix)", records, brokers: brokers, partition: 0)

        func runUntilCaughtUp(_ extra: [String], name: String) async throws {
            let run = try CLIProcess(
                ["run", "--config", config, "--state-directory", directory + "/state"] + extra, directory: directory, name: name)
            defer { run.signal(SIGKILL) }
            let lag = try await runCLI(
                ["lag", "--config", config, "--wait", "--timeout", "150"], directory: directory, name: name + "-lag", seconds: 180)
            #expect(lag.status == 0 && lag.stdout.contains("lag: caught up"), "\(lag.stdout)\(lag.stderr)\nrun: \(run.stderr.suffix(2000))")
            run.signal(SIGTERM)
            _ = try await run.waitUntilDead(seconds: 60)
        }

        // The default skew (7 days) rejects the four.
        try await runUntilCaughtUp([], name: "run-1")
        let dlq = try await readAll("dlq-\(suffix)", partitions: 3, brokers: brokers)
        let letters = dlq.compactMap { try? DeadLetter(bytes: $0.value) }
        #expect(letters.count == 4 && letters.allSatisfy { $0.error.code == .timestampOutOfRange }, "\(letters)")

        let dry = try await runCLI(
            ["dlq", "redrive", "--config", config, "--code", "timestamp_out_of_range", "--dry-run"], directory: directory, name: "dry")
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("dlq redrive: timestamp_out_of_range: 4 would be redriven of 4 selected"), "\(dry.stdout)")

        // The fix, then the redrive.
        let redrive = try await runCLI(
            ["dlq", "redrive", "--config", config, "--code", "timestamp_out_of_range", "--format", "json"], directory: directory,
            name: "redrive")
        #expect(redrive.status == 0, "\(redrive.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(redrive.stdout.utf8)) as? [String: Any])
        #expect(report["redriven"] as? Int == 4 && report["selected"] as? Int == 4, "\(redrive.stdout)")
        try await runUntilCaughtUp(["--max-future-skew", "30d"], name: "run-2")

        // The four are in the log now, each decided once; the DLQ gained nothing.
        // Canonical events only: the control records of the model bootstrap have no audit record.
        let log = try await readAll("events-\(suffix)", partitions: 4, brokers: brokers).filter { !ControlRecords.isControl($0.headers) }
        let texts = log.map { String(decoding: $0.value, as: UTF8.self) }
        for i in 0..<4 { #expect(texts.contains { $0.contains("evt-ahead-\(i)-\(suffix)") }, "ahead \(i) is not in the log") }
        let audit = try await readAll("audit-\(suffix)", partitions: 3, brokers: brokers)
        #expect(audit.count == log.count)
        #expect(try await readAll("dlq-\(suffix)", partitions: 3, brokers: brokers).count == 4)

        // Again: nothing is repeated.
        let again = try await runCLI(
            ["dlq", "redrive", "--config", config, "--code", "timestamp_out_of_range"], directory: directory, name: "again")
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("skipped 4 timestamp_out_of_range: already_redriven"), "\(again.stdout)")
        #expect(again.stdout.contains("0 redriven of 4 selected"), "\(again.stdout)")

        let bad = try await runCLI(["dlq", "redrive", "--config", config, "--code", "no_such_code"], directory: directory, name: "bad")
        #expect(bad.status == 2 && bad.stderr.contains("is not an error code"), "\(bad.stderr)")
    }
}
