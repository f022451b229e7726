import Foundation
import Kafka
import LeadLedgerEngine
import TestSupport
import Testing

@Suite("First deployment on history (CLI)")
struct FirstDeploymentCLITests {
    /// The seeded workload's events start at 2026-11-02T00:00:00Z and advance
    /// 1 to 90 s per message, so about a third of 300 messages lie before this.
    static let routeFrom = "2026-11-02T01:30:00Z"
    static let routeFromUTC = "2026-11-02T01:30:00.000Z"

    /// A backfill with `--route-from T`: every log event is decided and audited,
    /// routing records exist only for events at or after T, the audit records of
    /// the earlier events that would have routed say so (`withheld_routing`), and
    /// `audit verify` given the same T finds every record; without it, verify
    /// sees the difference.
    @Test(.timeLimit(.minutes(6)))
    func backfillRoutesNothingBeforeT() async throws {
        let brokers = try EngineTestBroker.brokers()
        let directory = try makeTemporaryDirectory("routefrom")
        let suffix = uniqueName("rf")
        let config = try writeConfiguration(directory: directory, brokers: brokers, suffix: suffix)
        let setup = try await runCLI(["generate", "--config", config, "--events", "0"], directory: directory, name: "setup")
        #expect(setup.status == 0, "\(setup.stderr)")
        let generate = try await runCLI(
            ["generate", "--config", config, "--seed", "5", "--events", "300", "--malformed-rate", "0"], directory: directory,
            name: "generate")
        #expect(generate.status == 0, "\(generate.stderr)")

        let run = try CLIProcess(
            ["run", "--config", config, "--state-directory", directory + "/state", "--route-from", Self.routeFrom], directory: directory,
            name: "run")
        defer { run.signal(SIGKILL) }
        let lag = try await runCLI(
            ["lag", "--config", config, "--wait", "--timeout", "150"], directory: directory, name: "lag", seconds: 180)
        #expect(
            lag.status == 0 && lag.stdout.contains("lag: caught up"), "\(lag.stdout)\(lag.stderr.suffix(1000))\(run.stderr.suffix(2000))")
        run.signal(SIGTERM)
        #expect(try await run.wait(seconds: 60) == 0, "\(run.stderr.suffix(2000))")
        #expect(run.stderr.contains("routing cut-over: routing records only for events at or after \(Self.routeFromUTC)"))

        let log = try await readAll("events-\(suffix)", partitions: 4, brokers: brokers).filter { !ControlRecords.isControl($0.headers) }
        let audit = try await readAll("audit-\(suffix)", partitions: 3, brokers: brokers)
        let routing = try await readAll("routing-\(suffix)", partitions: 3, brokers: brokers)
        #expect(audit.count == log.count && log.count > 200, "log \(log.count), audit \(audit.count)")

        func object(_ record: LogRecord) -> [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(record.value)) as? [String: Any]) ?? [:]
        }
        let routed = routing.map { object($0)["event_time"] as? String ?? "" }
        #expect(
            !routed.isEmpty && routed.allSatisfy { $0 >= Self.routeFromUTC }, "routed before T: \(routed.filter { $0 < Self.routeFromUTC })"
        )
        let withheld = audit.map(object).filter { $0["withheld_routing"] != nil }
        let withheldTimes = withheld.map { $0["event_time"] as? String ?? "" }
        #expect(withheld.count > 10 && withheldTimes.allSatisfy { $0 < Self.routeFromUTC }, "\(withheldTimes)")
        let members = withheld.compactMap { $0["withheld_routing"] as? [String: Any] }
        #expect(members.allSatisfy { $0["route_from"] as? String == Self.routeFromUTC && ($0["count"] as? Int ?? 0) >= 1 })
        let violations = try await schemaViolations(audit.map(\.value), schema: "leadledger.audit", directory: directory)
        #expect(violations.isEmpty, "\(violations)")

        let verify = try await runCLI(
            ["audit", "verify", "--config", config, "--state-directory", directory + "/verify", "--route-from", Self.routeFrom],
            directory: directory, name: "verify")
        #expect(
            verify.status == 0 && verify.stdout.contains("audit verify: OK"), "\(verify.stdout.suffix(2000))\(verify.stderr.suffix(1000))")

        // Told nothing of the cut-over, verify expects the withheld routing records and says why they are missing.
        let unaware = try await runCLI(
            ["audit", "verify", "--config", config, "--state-directory", directory + "/verify"], directory: directory,
            name: "verify-unaware")
        #expect(unaware.status == 1, "\(unaware.stdout.suffix(1000))\(unaware.stderr.suffix(1000))")
        #expect(unaware.stdout.contains("MISSING ") && unaware.stdout.contains("DIFFERS "), "\(unaware.stdout.suffix(2000))")
        #expect(
            unaware.stdout.contains("routing was withheld for events before \(Self.routeFromUTC) (run --route-from)"),
            "\(unaware.stdout.suffix(1000))")
    }

    /// A state directory whose snapshots came from a log that was since recreated
    /// (topics deleted and created again, as after a restart of a broker that keeps
    /// nothing, with new data and the consumer groups gone): `run` says so and
    /// discards the snapshots, and its outputs match a full replay; `audit verify`
    /// given a copy of the stale directory ignores it instead of restoring it.
    @Test(.timeLimit(.minutes(6)))
    func stateFromARecreatedLogIsDiscarded() async throws {
        let brokers = try EngineTestBroker.brokers()
        let directory = try makeTemporaryDirectory("relog")
        let suffix = uniqueName("rl")
        let state = directory + "/state"
        let first = try writeConfiguration(directory: directory, brokers: brokers, suffix: suffix)
        let setup = try await runCLI(["generate", "--config", first, "--events", "0"], directory: directory, name: "setup-1")
        #expect(setup.status == 0, "\(setup.stderr)")
        let generate = try await runCLI(
            ["generate", "--config", first, "--seed", "7", "--events", "120", "--malformed-rate", "0"], directory: directory,
            name: "generate-1")
        #expect(generate.status == 0, "\(generate.stderr)")
        let runA = try CLIProcess(["run", "--config", first, "--state-directory", state], directory: directory, name: "run-a")
        defer { runA.signal(SIGKILL) }
        let lagA = try await runCLI(
            ["lag", "--config", first, "--wait", "--timeout", "150"], directory: directory, name: "lag-a", seconds: 180)
        #expect(lagA.status == 0 && lagA.stdout.contains("lag: caught up"), "\(lagA.stdout)\(runA.stderr.suffix(2000))")
        runA.signal(SIGTERM)
        #expect(try await runA.wait(seconds: 60) == 0, "\(runA.stderr.suffix(2000))")
        #expect(FileManager.default.fileExists(atPath: state + "/\(StateDirectoryBinding.fileName)"), "no log identity recorded")
        #expect(!runA.stderr.contains("STATE DIRECTORY FROM ANOTHER LOG"), "\(runA.stderr.suffix(2000))")

        // The log is recreated with other data; the groups start over.
        let topics = ["crm", "web", "email", "identity", "events", "routing", "audit", "dlq"].map { "\($0)-\(suffix)" }
        let admin = try KafkaAdminClient(configuration: KafkaAdminConfiguration(bootstrapServers: [brokers]), logger: testLogger)
        _ = try await admin.deleteTopics(topics)
        await admin.close()
        let secondDirectory = directory + "/second"
        try FileManager.default.createDirectory(atPath: secondDirectory, withIntermediateDirectories: true)
        var yaml = try String(contentsOfFile: first, encoding: .utf8)
        for group in ["route", "identity", "materialize"] {
            yaml = yaml.replacing("\(group): \(group)-\(suffix)", with: "\(group): \(group)-\(suffix)-again")
        }
        let second = secondDirectory + "/leadledger.yaml"
        try yaml.write(toFile: second, atomically: true, encoding: .utf8)
        try await eventually(30, "the deleted topics can be created again") {
            let recreate = try await runCLI(["generate", "--config", second, "--events", "0"], directory: directory, name: "setup-2")
            return recreate.status == 0
        }
        let regenerate = try await runCLI(
            ["generate", "--config", second, "--seed", "8", "--events", "300", "--malformed-rate", "0"], directory: directory,
            name: "generate-2")
        #expect(regenerate.status == 0, "\(regenerate.stderr)")
        let stale = directory + "/stale-copy"
        try FileManager.default.copyItem(atPath: state, toPath: stale)

        let runB = try CLIProcess(["run", "--config", second, "--state-directory", state], directory: directory, name: "run-b")
        defer { runB.signal(SIGKILL) }
        let lagB = try await runCLI(
            ["lag", "--config", second, "--wait", "--timeout", "150"], directory: directory, name: "lag-b", seconds: 180)
        #expect(lagB.status == 0 && lagB.stdout.contains("lag: caught up"), "\(lagB.stdout)\(runB.stderr.suffix(2000))")
        #expect(
            runB.stderr.contains("STATE DIRECTORY FROM ANOTHER LOG: \(state)")
                && runB.stderr.contains("(recreated topic or another broker)")
                && runB.stderr.contains("Discarded its snapshots"),
            "\(runB.stderr.suffix(3000))")
        runB.signal(SIGTERM)
        #expect(try await runB.wait(seconds: 60) == 0, "\(runB.stderr.suffix(2000))")

        let log = try await readAll("events-\(suffix)", partitions: 4, brokers: brokers).filter { !ControlRecords.isControl($0.headers) }
        let audit = try await readAll("audit-\(suffix)", partitions: 3, brokers: brokers)
        #expect(audit.count == log.count && log.count > 200, "log \(log.count), audit \(audit.count)")
        let verify = try await runCLI(
            ["audit", "verify", "--config", second, "--state-directory", directory + "/verify"], directory: directory, name: "verify")
        #expect(
            verify.status == 0 && verify.stdout.contains("audit verify: OK"), "\(verify.stdout.suffix(2000))\(verify.stderr.suffix(1000))")

        // Verifying from an offset restores a snapshot at or before it: never the stale
        // one (the old log's partition 0 ended below offset 300, the new one's beyond).
        #expect(log.filter { $0.partition == 0 }.count > 300, "the seeded workload's log partition 0 is too short for the check")
        let fromStale = try await runCLI(
            ["audit", "verify", "--config", second, "--state-directory", stale, "--partition", "0", "--from-offset", "300"],
            directory: directory, name: "verify-stale")
        #expect(
            fromStale.status == 0 && fromStale.stdout.contains("audit verify: OK"),
            "\(fromStale.stdout.suffix(2000))\(fromStale.stderr.suffix(1000))")
        #expect(
            fromStale.stderr.contains("STATE DIRECTORY FROM ANOTHER LOG: \(stale)") && fromStale.stderr.contains("Ignoring its snapshots"))
    }
}
