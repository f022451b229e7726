import ArgumentParser
import Dispatch
import Foundation
import Kafka
import LeadLedgerCore
import LeadLedgerEngine
import Logging
import Synchronization

/// One run of the chaos harness (see ``ChaosCommand``): the broker, the
/// configuration, the children, the kill schedule and the checks.
final class ChaosSession {
    let options: ChaosCommand
    let directory: String
    let cli: String
    let brokers: String
    /// Set when this session started the broker (and must stop it).
    let cleanup: ChaosCleanup
    var random: SplitMix64
    var runners: [ChaosChild?]
    var killed = 0
    var unexpectedExits = 0
    var result = ChaosResult()
    var configPath = ""
    var brokerPid: Int32?
    /// The signal and deadline sources (kept alive for the whole run).
    var exitSources: [any DispatchSourceProtocol] = []

    init(options: ChaosCommand) throws {
        self.options = options
        let dir =
            options.directory
            ?? (NSTemporaryDirectory() as NSString).appendingPathComponent("leadledger-chaos-\(options.seed)-\(getpid())")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        directory = dir
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        cli = options.cli ?? here.appendingPathComponent("leadledger").path
        guard FileManager.default.isExecutableFile(atPath: cli) else {
            throw ValidationError("no leadledger executable at \(cli) (give --cli)")
        }
        if let given = options.bootstrapServer {
            brokers = given
            cleanup = ChaosCleanup(brokerScript: nil, brokerPort: options.brokerPort)
            brokerPid = options.brokerPid
        } else {
            brokers = "127.0.0.1:\(options.brokerPort)"
            cleanup = ChaosCleanup(brokerScript: options.brokerScript, brokerPort: options.brokerPort)
        }
        random = SplitMix64(seed: options.seed &* 0x9E37_79B9_7F4A_7C15 &+ 1)
        runners = Array(repeating: nil, count: options.processes)
    }

    let started = ContinuousClock.now

    /// Whole seconds since the session started.
    var elapsedSeconds: Int64 { (ContinuousClock.now - started).components.seconds }

    var resultLine: String {
        "kills \(killed), lost \(result.lost), divergent \(result.divergent), duplicates \(result.duplicates)"
    }

    /// Prints a line at once (stdout may be a file or a pipe).
    func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// Stops the children and the broker this session started; the exit path of
    /// the deadline and the signals calls the same, from their own threads.
    func cleanUp() {
        cleanup.run()
    }

    /// SIGINT and SIGTERM stop everything and exit 130/143; so does the deadline, with 2.
    func installExitHandlers(deadline: Double) {
        let cleanup = cleanup
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                FileHandle.standardError.write(Data("chaos: signal \(sig), stopping every child\n".utf8))
                cleanup.run()
                exit(128 + sig)
            }
            source.resume()
            exitSources.append(source)
        }
        let timer = DispatchSource.makeTimerSource(queue: .global())
        timer.schedule(deadline: .now() + deadline)
        timer.setEventHandler {
            FileHandle.standardOutput.write(Data("chaos: the deadline of \(Int(deadline)) s was reached; stopping every child\n".utf8))
            cleanup.run()
            exit(2)
        }
        timer.resume()
        exitSources.append(timer)
    }

    /// Runs the whole scenario; returns the exit status (0 or 1).
    func run() async throws -> Int32 {
        if cleanup.brokerScript != nil {
            try await startBroker()
        }
        configPath = try writeConfiguration()
        say(
            "chaos: seed \(options.seed), \(options.processes) processes, \(options.kills) kills, broker \(brokers), directory \(directory)"
        )
        let setup = try ChaosChild(
            executable: cli, arguments: ["generate", "--config", configPath, "--events", "0"], directory: directory, name: "setup")
        guard try await setup.wait(seconds: 120) == 0 else {
            throw BenchmarkFailure("creating the topics failed: \(setup.stderr.suffix(2000))")
        }

        for index in runners.indices {
            try startRunner(index)
        }
        let generator = ChaosGenerator(cli: cli, config: configPath, directory: directory, seed: options.seed, rate: options.rate)
        let generating = Task { try await generator.run() }
        // Let the group form and decisions flow before the first kill.
        try await Task.sleep(for: .seconds(8))

        let freezeAt = options.kills / 2
        for k in 0..<options.kills {
            try await Task.sleep(for: .seconds(options.minGap + random.unit() * (options.maxGap - options.minGap)))
            try await restartExited()
            if k == freezeAt {
                // A freeze in the middle of a rebalance finds no output in flight and
                // times nothing out: let the group settle (every member back, the
                // session timeout of the last killed one passed) and process first.
                say("chaos: no kills for 9 s before the freeze, so the group is processing when it comes")
                try await Task.sleep(for: .seconds(9))
                try await restartExited()
                try await freezeBroker()
            }
            try await killOne()
        }
        generator.stop()
        let produced = try await generating.value
        try await restartExited()
        say("generated: \(produced) messages")

        let drainSeconds = max(60, Int(options.deadline / 3))
        let lag = try ChaosChild(
            executable: cli, arguments: ["lag", "--config", configPath, "--wait", "--timeout", String(drainSeconds)], directory: directory,
            name: "lag")
        let lagStatus = try await lag.wait(seconds: Double(drainSeconds + 30))
        result.check(
            "drain", lagStatus == 0,
            lagStatus == 0
                ? "every stage caught up"
                : "not caught up after \(drainSeconds) s (inputs never processed count as lost below): \(lag.stdout.split(separator: "\n").suffix(4).joined(separator: "; "))"
        )
        for runner in runners.compactMap({ $0 }) {
            try await runner.stop(grace: 60)
        }
        result.note("unexpected exits (restarted): \(unexpectedExits)")

        var logger = Logger(label: "chaos")
        logger.logLevel = .warning
        let configuration = try EngineConfiguration.load(path: configPath)
        result.note(deliveryRestarts(topics: configuration.topics))
        let reader = LogReader(client: configuration.client("leadledger-chaos"), logger: logger)
        let found = try await ChaosCheck(configuration: configuration, reader: reader, logger: logger).run()
        result.checks += found.checks
        result.notes += found.notes
        result.lost += found.lost
        result.divergent += found.divergent
        result.duplicates += found.duplicates

        let verify = try ChaosChild(
            executable: cli, arguments: ["audit", "verify", "--config", configPath, "--state-directory", directory + "/verify-state"],
            directory: directory, name: "verify")
        let verifyStatus = try await verify.wait(seconds: max(120, options.deadline / 3))
        let verifyLine = verify.stdout.split(separator: "\n").last { $0.hasPrefix("audit verify:") }.map(String.init) ?? "no result line"
        result.check("audit verify", verifyStatus == 0 && verifyLine.contains("OK"), verifyLine)

        for line in result.lines {
            say(line)
        }
        return result.passed ? 0 : 1
    }

    /// How often each stage restarted a partition after a failed delivery (the
    /// run processes' `DELIVERY FAILED` lines), so a run shows which hops the
    /// freeze reached: the validate stage's inputs are the inbound topics, the
    /// identity stage's the repartition topic, the materialize stage's the log.
    private func deliveryRestarts(topics: TopicNames) -> String {
        let stages: [(name: String, inputs: [String])] = [
            ("validate", [topics.crm, topics.web, topics.email, topics.control]), ("identity", [topics.identity]),
            ("materialize", [topics.events]),
        ]
        var counts = Array(repeating: 0, count: stages.count)
        for runner in runners.compactMap({ $0 }) {
            for line in runner.stderr.split(separator: "\n") where line.contains("DELIVERY FAILED") {
                guard let stage = stages.firstIndex(where: { $0.inputs.contains { line.contains("\($0)[") } }) else { continue }
                counts[stage] += 1
            }
        }
        let parts = zip(stages, counts).map { "\($0.name) \($1)" }
        return "partition restarts after a failed delivery: " + parts.joined(separator: ", ")
    }

    private func startBroker() async throws {
        // Marked first: a deadline or signal during the start still stops it (stopping a broker that is not running is a no-op).
        cleanup.markBrokerStarted()
        let start = try ChaosChild(
            executable: "/bin/bash", arguments: [cleanup.brokerScript ?? "", "start", "--port", String(options.brokerPort)],
            directory: directory, name: "broker-start")
        guard try await start.wait(seconds: 120) == 0 else { throw BenchmarkFailure("the broker did not start: \(start.stderr)") }
        brokerPid = cleanup.brokerPID()
        say("broker: started on \(brokers) (pid \(brokerPid.map(String.init) ?? "?"))")
    }

    private func writeConfiguration() throws -> String {
        let suffix = "chaos-\(options.seed)-\(UInt32.random(in: 0...UInt32.max))"
        var yaml = """
            brokers: \(brokers)
            topics:
              crm: crm-\(suffix)
              web: web-\(suffix)
              email: email-\(suffix)
              identity: identity-\(suffix)
              events: events-\(suffix)
              routing: routing-\(suffix)
              audit: audit-\(suffix)
              dlq: dlq-\(suffix)
              control: control-\(suffix)
              models: models-\(suffix)
            partitions: { inbound: 3, identity: 1, events: 4, outputs: 3 }
            groups:
              route: route-\(suffix)
              identity: identity-\(suffix)
              materialize: materialize-\(suffix)
            session_timeout_ms: 6000
            snapshot_every_records: 300
            # Each run process serves its metrics and health on a port of its own.
            http_host: 127.0.0.1
            http_port: 0

            """
        if let scoring = options.scoringFile {
            yaml += "scoring_file: \(scoring)\n"
        }
        if let routing = options.routingFile {
            yaml += "routing_file: \(routing)\n"
        }
        let path = (directory as NSString).appendingPathComponent("leadledger.yaml")
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func startRunner(_ index: Int) throws {
        let name = "run-\(index)"
        runners[index] = try ChaosChild(
            executable: cli,
            arguments: [
                "run", "--config", configPath, "--state-directory", directory + "/state-\(index)", "--log-level", "info",
                "-X", "message.timeout.ms=\(options.messageTimeoutMs)",
                // The generator's event clock runs ahead of the wall clock on long runs.
                "--max-future-skew", "3650d",
            ],
            directory: directory, name: name)
    }

    /// Restarts every runner that exited without being killed by the harness.
    private func restartExited() async throws {
        for index in runners.indices {
            guard let runner = runners[index], runner.isDead else { continue }
            _ = try await runner.wait(seconds: 5)
            unexpectedExits += 1
            say(
                "chaos: \(runner.name) exited on its own (status \(runner.exitStatus ?? -1)); restarting"
            )
            try startRunner(index)
        }
    }

    private func killOne() async throws {
        let index = random.below(runners.count)
        guard let runner = runners[index] else { return }
        let useKill = random.below(3) != 0
        runner.signal(useKill ? SIGKILL : SIGTERM)
        killed += 1
        say("kill \(killed): \(useKill ? "SIGKILL" : "SIGTERM") \(runner.name) at +\(elapsedSeconds) s")
        if try await !runner.waitUntilDead(seconds: useKill ? 10 : 60) {
            say("chaos: \(runner.name) did not stop within 60 s of SIGTERM; SIGKILL")
            result.check("stop on SIGTERM (\(runner.name), kill \(killed))", false, "still running 60 s after SIGTERM")
            runner.signal(SIGKILL)
            _ = try await runner.waitUntilDead(seconds: 10)
        }
        try await Task.sleep(for: .seconds(0.2 + random.unit() * 1.8))
        try startRunner(index)
    }

    private func freezeBroker() async throws {
        let seconds = options.freezeSeconds ?? Double(options.messageTimeoutMs) / 1000 + 3
        guard let pid = brokerPid else {
            result.check("broker freeze", false, "no broker PID (give --broker-pid with --bootstrap-server)")
            return
        }
        say("chaos: freezing the broker (pid \(pid)) for \(seconds) s at +\(elapsedSeconds) s")
        kill(pid, SIGSTOP)
        cleanup.setFrozen(pid)
        try await Task.sleep(for: .seconds(seconds))
        kill(pid, SIGCONT)
        cleanup.setFrozen(nil)
        result.note("broker frozen once for \(seconds) s (message.timeout.ms \(options.messageTimeoutMs))")
    }
}
