import Foundation
import LeadLedgerCore
import LeadLedgerEngine
import TestSupport
import Testing

/// `leadledger run`'s HTTP side, driven as an operator would: start `run` on a
/// free port, feed it events, scrape it.
@Suite("run's metrics and health endpoints (CLI)")
struct OperationsCLITests {
    /// The port from the log line `http listening on 127.0.0.1:PORT`.
    static func listeningPort(_ log: String) -> Int? {
        guard let range = log.range(of: "http listening on 127.0.0.1:") else { return nil }
        return Int(log[range.upperBound...].prefix { $0.isNumber })
    }

    @Test(.timeLimit(.minutes(4)))
    func metricsAndProbesOfARunningProcessor() async throws {
        let brokers = try EngineTestBroker.brokers()
        let directory = try makeTemporaryDirectory("operations")
        let suffix = uniqueName("ops")
        let config = try writeConfiguration(directory: directory, brokers: brokers, suffix: suffix)
        let setup = try await runCLI(["generate", "--config", config, "--events", "0"], directory: directory, name: "setup")
        #expect(setup.status == 0, "\(setup.stderr)")

        let run = try CLIProcess(
            [
                "run", "--config", config, "--state-directory", directory + "/state", "--http-host", "127.0.0.1", "--http-port", "0",
                "--log-format", "json",
            ], directory: directory, name: "run")
        defer { run.signal(SIGKILL) }
        var port: Int?
        let start = ContinuousClock.now
        while port == nil, ContinuousClock.now - start < .seconds(30) {
            port = Self.listeningPort(run.stderr)
            if port == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        let http = try #require(port, "no 'http listening on' line: \(run.stderr.suffix(2000))")

        let live = try await httpRequest(port: http, path: "/health/live")
        #expect(live.status == 200, "\(live.body)")

        let generate = try await runCLI(
            ["generate", "--config", config, "--seed", "11", "--events", "200", "--malformed-rate", "0.05"], directory: directory,
            name: "generate")
        #expect(generate.status == 0, "\(generate.stderr)")

        // Scrape until decisions and librdkafka's statistics (every 5 s) are in.
        var metrics = ""
        while ContinuousClock.now - start < .seconds(150) {
            metrics = try await httpRequest(port: http, path: "/metrics").body
            if metrics.contains("leadledger_decisions_total{"), metrics.contains("leadledger_kafka_broker_rtt_avg_seconds{") { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        let names = Set(
            metrics.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
                String(line.prefix { $0 != "{" && $0 != " " })
            })
        let required = [
            "leadledger_records_in_total", "leadledger_records_out_total", "leadledger_dlq_records_total", "leadledger_consumer_lag",
            "leadledger_committed_offset", "leadledger_event_to_output_seconds_bucket", "leadledger_snapshot_age_seconds",
            "leadledger_snapshot_duration_seconds_count", "leadledger_decisions_total", "leadledger_route_changes_total",
            "leadledger_model_info", "leadledger_kafka_broker_rtt_avg_seconds", "leadledger_kafka_producer_queue_messages",
        ]
        let missing = required.filter { !names.contains($0) }
        #expect(missing.isEmpty, "missing series \(missing) in:\n\(metrics.prefix(4000))")
        // Every series the shipped Grafana dashboard and alert rules query is one that is served.
        for file in ["deploy/grafana/leadledger.json", "deploy/prometheus/alerts.yml"] {
            let text = try String(contentsOf: repoRoot.appendingPathComponent(file), encoding: .utf8)
            let used = Set(text.matches(of: /leadledger_[a-z0-9_]+/).map { String($0.output) })
            #expect(!used.isEmpty, "\(file) queries no LeadLedger series")
            let unserved = used.filter { !names.contains($0) }.sorted()
            #expect(unserved.isEmpty, "\(file) queries series /metrics does not serve: \(unserved)")
        }
        #expect(metrics.contains("leadledger_records_in_total{stage=\"materialize\",topic=\"events-\(suffix)\",partition=\""))

        // Ready once every partition is restored and caught up.
        var ready = try await httpRequest(port: http, path: "/health/ready")
        while ready.status != 200, ContinuousClock.now - start < .seconds(200) {
            try await Task.sleep(for: .milliseconds(500))
            ready = try await httpRequest(port: http, path: "/health/ready")
        }
        #expect(ready.status == 200, "\(ready.body)")
        #expect(ready.body.contains("\"status\":\"ready\""), "\(ready.body)")

        let unknown = try await httpRequest(port: http, path: "/no/such/route")
        #expect(unknown.status == 404)
        #expect(unknown.headers["content-type"] == "application/json")
        #expect(unknown.body == "{\"error\":\"no such route: /no/such/route\",\"status\":404}\n")

        run.signal(SIGINT)
        #expect(try await run.wait(seconds: 60) == 0, "\(run.stderr.suffix(2000))")
        // --log-format json: every line on stderr is one object with the four fields.
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.count >= 3)
        for line in lines {
            guard case .object(let object) = try? JSONParser.parse(String(line)) else {
                Issue.record("not a JSON log line: \(line)")
                continue
            }
            #expect(["timestamp", "level", "logger", "message"].allSatisfy { object[$0] != nil }, "\(line)")
        }
    }

    @Test(.timeLimit(.minutes(5)))
    func aPortInUseEndsRunWithStatus3AndOneLine() async throws {
        let directory = try makeTemporaryDirectory("busy-port")
        // No broker is needed: the port is bound before Kafka is touched.
        let config = try writeConfiguration(directory: directory, brokers: "127.0.0.1:1", suffix: uniqueName("busy"))
        let listener = try ListeningSocket()
        let result = try await runCLI(
            ["run", "--config", config, "--state-directory", directory + "/state", "--http-port", String(listener.port)],
            directory: directory, name: "run", seconds: 30)
        #expect(result.status == 3)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)")
        #expect(
            result.stderr == "leadledger: error: cannot serve HTTP on 127.0.0.1:\(listener.port): address already in use\n",
            "\(result.stderr)")
    }
}

/// A TCP socket listening on 127.0.0.1 and a free port (closed on deinit).
final class ListeningSocket {
    let descriptor: Int32
    let port: Int

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && listen(descriptor, 1) == 0 && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard bound else {
            close(descriptor)
            throw TestFailure("cannot listen on 127.0.0.1 (errno \(errno))")
        }
        self.descriptor = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(descriptor) }
}
