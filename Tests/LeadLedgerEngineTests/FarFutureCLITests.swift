import Foundation
import Kafka
import LeadLedgerDecisions
import LeadLedgerEngine
import TestSupport
import Testing

@Suite("Far-future timestamps (CLI)")
struct FarFutureCLITests {
    /// Events dated 9999 arrive between an anonymous visitor's page view and the
    /// identify that names the visitor, after a seeded workload. They go to the
    /// DLQ as `timestamp_out_of_range`; the buffered page view is still flushed
    /// into the log on the identify (a watermark moved to 9999 would have expired
    /// it), and no decision, SLA escalation included, is made at a far-future time.
    @Test(.timeLimit(.minutes(6)))
    func farFutureEventsAreRejectedAndMoveNoWatermark() async throws {
        let brokers = try EngineTestBroker.brokers()
        let directory = try makeTemporaryDirectory("future")
        let suffix = uniqueName("ff")
        let config = try writeConfiguration(directory: directory, brokers: brokers, suffix: suffix)
        let setup = try await runCLI(["generate", "--config", config, "--events", "0"], directory: directory, name: "setup")
        #expect(setup.status == 0, "\(setup.stderr)")
        let generate = try await runCLI(
            ["generate", "--config", config, "--seed", "3", "--events", "400", "--malformed-rate", "0"], directory: directory,
            name: "generate")
        #expect(generate.status == 0, "\(generate.stderr)")

        let formatter = ISO8601DateFormatter()
        let pageTime = formatter.string(from: Date().addingTimeInterval(-7200))
        let identifyTime = formatter.string(from: Date().addingTimeInterval(-7140))
        let page =
            #"{"type":"page","messageId":"m-anon-page-\#(suffix)","anonymousId":"anon-\#(suffix)","timestamp":"\#(pageTime)","context":{"page":{"url":"https://www.acme.io/pricing","path":"/pricing"}}}"#
        let futureTrack =
            #"{"type":"track","messageId":"m-future-\#(suffix)","userId":"u-future-\#(suffix)","event":"Signed Up","timestamp":"9999-01-01T00:00:00Z"}"#
        let identify =
            #"{"type":"identify","messageId":"m-identify-\#(suffix)","anonymousId":"anon-\#(suffix)","userId":"u-visitor-\#(suffix)","timestamp":"\#(identifyTime)","traits":{"email":"visitor-\#(suffix)@acme.io","title":"VP Sales"}}"#
        try await produce(
            "web-\(suffix)", [(key: "anon", value: page), (key: "future", value: futureTrack), (key: "anon", value: identify)],
            brokers: brokers, partition: 0)
        let futureLeads = (0..<8).map { i in
            (
                key: "future-\(i)",
                value:
                    #"{"event_id":"evt-future-\#(i)","type":"lead.created","occurred_at":"9999-01-01T00:00:00Z","source":"salesforce","record_id":"00Qfuture\#(i)","lead":{"email":"future\#(i)@company\#(i).com","company":"Company \#(i)"}}"#
            )
        }
        try await produce("crm-\(suffix)", futureLeads, brokers: brokers, partition: 0)

        // The default skew (7 days) applies.
        let run = try CLIProcess(["run", "--config", config, "--state-directory", directory + "/state"], directory: directory, name: "run")
        defer { run.signal(SIGKILL) }
        let lag = try await runCLI(
            ["lag", "--config", config, "--wait", "--timeout", "150"], directory: directory, name: "lag", seconds: 180)
        #expect(
            lag.status == 0 && lag.stdout.contains("lag: caught up"),
            "\(lag.stdout)\(lag.stderr.suffix(1000))\nrun: \(run.stderr.suffix(3000))")

        // The nine far-future events, and nothing else, are in the DLQ.
        let dlq = try await readAll("dlq-\(suffix)", partitions: 3, brokers: brokers)
        let codes = dlq.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.value)) as? [String: Any])?["error_code"] as? String }
        #expect(codes.count == 9 && codes.allSatisfy { $0 == "timestamp_out_of_range" }, "\(codes)")
        let violations = try await schemaViolations(dlq.map(\.value), schema: "leadledger.dlq", directory: directory)
        #expect(violations.isEmpty, "\(violations)")

        // The anonymous page view was flushed into the log by the identify.
        // Canonical events only: the control records of the model bootstrap have no audit record.
        let log = try await readAll("events-\(suffix)", partitions: 4, brokers: brokers).filter { !ControlRecords.isControl($0.headers) }
        let texts = log.map { String(decoding: $0.value, as: UTF8.self) }
        #expect(texts.contains { $0.contains("m-anon-page-\(suffix)") }, "the buffered page view is not in the log")
        #expect(!texts.contains { $0.contains("9999-") }, "a far-future event entered the log")

        // Every log event decided once; no decision (SLA escalations included) at a far-future time.
        let audit = try await readAll("audit-\(suffix)", partitions: 3, brokers: brokers)
        let routing = try await readAll("routing-\(suffix)", partitions: 3, brokers: brokers).map { try RoutingRecordView($0.value) }
        #expect(audit.count == log.count && log.count > 300, "log \(log.count), audit \(audit.count)")
        let auditTimes = try audit.map { try AuditRecordView($0.value).eventTime }
        #expect(!(auditTimes + routing.map(\.eventTime)).contains { $0.hasPrefix("9999") }, "decisions made at a far-future time")
        let escalations = routing.filter { $0.change == .escalation }
        #expect(escalations.allSatisfy { $0.eventTime < "2027" }, "\(escalations.map(\.eventTime))")

        run.signal(SIGTERM)
        #expect(try await run.wait(seconds: 60) == 0, "\(run.stderr.suffix(2000))")

        // The flag takes durations and refuses anything else.
        let bad = try await runCLI(
            ["run", "--config", config, "--state-directory", directory + "/state", "--max-future-skew", "soon"], directory: directory,
            name: "bad-skew", seconds: 60)
        #expect(bad.status != 0 && bad.stderr.contains("'soon' is not a duration"), "\(bad.stderr.suffix(1000))")
    }
}
