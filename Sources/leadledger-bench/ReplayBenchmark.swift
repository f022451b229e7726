import ArgumentParser
import Foundation
import LeadLedgerCore

/// `leadledger-bench replay`: how fast the commands that re-read the log run,
/// side by side with a raw read of the same log in the same run. It drives the
/// `leadledger` executable as a user would (a fresh set of topics on the given
/// broker, `generate`, `run` until `lag --wait` says caught up, then stopped),
/// and times `consume --exit-at-end` (the raw read), `replay` and
/// `audit verify`, each with wall time and the CPU time of the process.
///
/// With `--baseline-cli`, every measurement also runs with that executable
/// (e.g. main's release build), interleaved with the current one, so a change
/// is compared with its baseline on the same log under the same load.
struct ReplayBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay and audit verify throughput against a raw read of the same log, in one run.",
        discussion: """
            Needs a broker (--brokers or $LEADLEDGER_BROKERS; e.g. `scripts/broker start --port 19092`).
            Every run uses fresh topics. Rates are log events per second (replay, raw read) and
            re-derived records per second (audit verify), over wall time and per CPU-second of the
            command; "vs raw" divides the raw read's wall time by the command's. The targets are
            issue 17's: replay of one partition >= 200k log events/s and >= 0.25x the raw read;
            audit verify >= 100k records/s. Exit status 1 when a command fails or the outputs of
            `replay` differ between --jobs values.
            """
    )

    @Option(help: "Bootstrap servers (default: $LEADLEDGER_BROKERS or 127.0.0.1:19092).")
    var brokers: String?

    @Option(help: "Messages `leadledger generate` produces.")
    var events: Int = 40000

    @Option(help: "Workload seed.")
    var seed: UInt64 = 5

    @Option(help: "Partitions of the inbound topics and the canonical log.")
    var partitions: Int = 6

    @Option(help: "--jobs of the parallel replay and audit verify (the serial ones use 1).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Rounds of every measurement; the best wall time is reported.")
    var rounds: Int = 1

    @Option(help: "The leadledger executable (default: next to this binary).")
    var cli: String?

    @Option(help: "A second leadledger executable measured on the same log, interleaved (e.g. main's build).")
    var baselineCli: String?

    @Option(help: "Directory for the configuration, state and outputs (default: a new temporary one).")
    var directory: String?

    func validate() throws {
        guard events >= 1 else { throw ValidationError("--events must be at least 1") }
        guard partitions >= 1 else { throw ValidationError("--partitions must be at least 1") }
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        guard rounds >= 1 else { throw ValidationError("--rounds must be at least 1") }
    }

    func run() throws {
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        let current = cli ?? here.appendingPathComponent("leadledger").path
        let work = try directory ?? Self.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let brokers = brokers ?? ProcessInfo.processInfo.environment["LEADLEDGER_BROKERS"] ?? "127.0.0.1:19092"
        let (config, topic) = try writeConfiguration(directory: work, brokers: brokers)
        print("replay benchmark: broker \(brokers), directory \(work)")

        try prepareLog(cli: current, config: config, directory: work)

        var binaries = [("current", current)]
        if let baselineCli { binaries.append(("baseline", baselineCli)) }
        let jobs = String(jobs)
        // `raw`: the index of the raw read of the same scope (its wall time, and the
        // log events a replay of that scope re-derives).
        let measures: [(name: String, kind: ReplayMeasure.Kind, arguments: [String], raw: Int)] = [
            ("raw read, partition 0", .rawRead, ["consume", "--topic", topic, "--partition", "0", "--exit-at-end"], 0),
            ("replay, partition 0", .replay, ["replay", "--partition", "0", "--from-offset", "0"], 0),
            ("raw read, all partitions", .rawRead, ["consume", "--topic", topic, "--exit-at-end"], 2),
            ("replay --jobs 1", .replay, ["replay", "--from-offset", "0", "--jobs", "1"], 2),
            ("replay --jobs \(jobs)", .replay, ["replay", "--from-offset", "0", "--jobs", jobs], 2),
            ("audit verify --jobs 1", .verify, ["audit", "verify", "--format", "json", "--jobs", "1"], 2),
            ("audit verify --jobs \(jobs)", .verify, ["audit", "verify", "--format", "json", "--jobs", jobs], 2),
        ]
        // The serial and the parallel replay of every partition, whose outputs must be the same.
        let (serialReplay, parallelReplay) = (3, 4)
        var results: [String: ReplayMeasure] = [:]
        var failed = false
        for round in 0..<rounds {
            for (index, measure) in measures.enumerated() {
                for (label, binary) in binaries {
                    let name = "\(label)-\(index)-round\(round)"
                    // consume is a kcat-style helper: it takes the broker, not the configuration.
                    var arguments = measure.arguments + ["--brokers", brokers]
                    if measure.kind != .rawRead {
                        arguments = measure.arguments + ["--config", config, "--state-directory", work + "/state-" + name]
                    }
                    let timed = try TimedCommand.run(binary, arguments, directory: work, name: name)
                    // audit verify exits 1 on differences: reported, and the time still counts.
                    if timed.status != 0 {
                        print(
                            "\(label): `\(measure.arguments.prefix(3).joined(separator: " "))` exited \(timed.status): \(timed.stderr.suffix(400))"
                        )
                        failed = true
                    }
                    let key = "\(label)/\(index)"
                    let counted = ReplayMeasure(kind: measure.kind, timed: timed)
                    if let best = results[key], best.timed.wallSeconds <= timed.wallSeconds { continue }
                    results[key] = counted
                }
            }
        }

        print("")
        print(Self.row("measure", "build", "wall", "CPU (user+sys)", "per second", "per CPU-second", "vs raw read"))
        for (index, measure) in measures.enumerated() {
            let raw = results["current/\(measure.raw)"]
            for (label, _) in binaries {
                guard let m = results["\(label)/\(index)"] else { continue }
                let count = m.kind == .replay ? raw?.count ?? 0 : m.count
                let ratio =
                    m.kind == .verify ? "-" : raw.map { String(format: "%.2f×", $0.timed.wallSeconds / m.timed.wallSeconds) } ?? "-"
                print(
                    Self.row(
                        measure.name, label, String(format: "%.2f s", m.timed.wallSeconds),
                        String(format: "%.2f + %.2f s", m.timed.userSeconds, m.timed.systemSeconds),
                        Self.rate(count, m.timed.wallSeconds, m.unit), Self.rate(count, m.timed.cpuSeconds, m.unit), ratio))
            }
        }
        // The outputs of a replay do not depend on --jobs (docs/cli.md).
        for (label, _) in binaries {
            guard let serial = results["\(label)/\(serialReplay)"], let parallel = results["\(label)/\(parallelReplay)"] else { continue }
            if FileManager.default.contents(atPath: serial.timed.stdoutPath)
                != FileManager.default.contents(atPath: parallel.timed.stdoutPath)
            {
                print("\(label): replay --jobs 1 and --jobs \(jobs) printed different outputs")
                failed = true
            }
        }
        print("")
        print("targets (issue 17): replay of one partition >= 200k log events/s and >= 0.25× the raw read; audit verify >= 100k records/s")
        if failed { throw ExitCode(1) }
    }

    /// A generated workload processed to caught-up by `run`, then stopped.
    private func prepareLog(cli: String, config: String, directory: String) throws {
        let generate = try TimedCommand.run(
            cli, ["generate", "--config", config, "--events", String(events), "--seed", String(seed)], directory: directory,
            name: "generate")
        guard generate.status == 0 else { throw BenchmarkFailure("generate failed: \(generate.stderr.suffix(1000))") }
        let runner = try ChaosChild(
            executable: cli, arguments: ["run", "--config", config, "--state-directory", directory + "/run-state", "--no-http"],
            directory: directory, name: "run")
        defer { ChaosChild.killAll() }
        let lag = try TimedCommand.run(cli, ["lag", "--config", config, "--wait", "--timeout", "1200"], directory: directory, name: "lag")
        guard lag.status == 0 else { throw BenchmarkFailure("the processor did not catch up: \(lag.stdout.suffix(1000))") }
        runner.signal(SIGTERM)
        for _ in 0..<1200 where !runner.isDead { usleep(100_000) }
        guard runner.isDead else { throw BenchmarkFailure("run did not stop within 120 s of SIGTERM") }
        print("log: \(events) messages generated (seed \(seed)) and processed in \(String(format: "%.1f", lag.wallSeconds)) s")
    }

    /// Writes a configuration naming fresh topics and groups; returns its path and the canonical log's topic.
    private func writeConfiguration(directory: String, brokers: String) throws -> (path: String, eventsTopic: String) {
        let suffix = "replaybench-\(seed)-\(UInt32.random(in: 0...UInt32.max))"
        let names = ["crm", "web", "email", "identity", "events", "routing", "audit", "dlq", "control", "models"]
        var yaml = "brokers: \(brokers)\ntopics:\n"
        for name in names {
            yaml += "  \(name): \(name)-\(suffix)\n"
        }
        yaml += """
            partitions: { inbound: \(partitions), identity: 1, events: \(partitions), outputs: \(partitions) }
            groups:
              validate: validate-\(suffix)
              identity: identity-\(suffix)
              materialize: materialize-\(suffix)
            session_timeout_ms: 6000

            """
        let path = (directory as NSString).appendingPathComponent("leadledger.yaml")
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return (path, "events-\(suffix)")
    }

    private static func temporaryDirectory() throws -> String {
        let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("leadledger-replaybench-\(getpid())")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    private static func rate(_ count: Int, _ seconds: Double, _ unit: String) -> String {
        guard seconds > 0 else { return "-" }
        let perSecond = Double(count) / seconds
        return perSecond >= 10_000 ? String(format: "%.0fk %@", perSecond / 1000, unit) : String(format: "%.0f %@", perSecond, unit)
    }

    private static func row(_ cells: String...) -> String {
        let widths = [28, 9, 8, 16, 22, 22, 11]
        return zip(cells, widths).map { $0.padding(toLength: max($1, $0.count), withPad: " ", startingAt: 0) }.joined(separator: " ")
    }
}
