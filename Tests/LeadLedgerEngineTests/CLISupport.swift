import Foundation
import LeadLedgerDecisions
import LeadLedgerEngine
import Synchronization
import TestSupport
import Testing

/// The `leadledger` executable the CLI tests drive: `LEADLEDGER_CLI` when set
/// (scripts/test points it at the release build, the binary users run), else
/// the one next to the test bundle (built with the tests).
let leadledgerExecutable: String = {
    if let cli = ProcessInfo.processInfo.environment["LEADLEDGER_CLI"], !cli.isEmpty { return cli }
    let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("leadledger").path
    if FileManager.default.isExecutableFile(atPath: besideTests) { return besideTests }
    return repoRoot.appendingPathComponent(".build/debug/leadledger").path
}()

/// A `leadledger` process started by a test, its output captured in files.
final class CLIProcess: Sendable {
    let process: ChildProcess
    let stdoutPath: String
    let stderrPath: String

    /// Starts `leadledger arguments`; `environment` is added to (and overrides) this
    /// process's environment; `input` is written to a file that becomes its stdin.
    init(_ arguments: [String], directory: String, name: String, environment: [String: String] = [:], input: String? = nil) throws {
        stdoutPath = (directory as NSString).appendingPathComponent("\(name).out")
        stderrPath = (directory as NSString).appendingPathComponent("\(name).err")
        _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        var stdin = ChildProcess.Input.null
        if let input {
            let inputPath = (directory as NSString).appendingPathComponent("\(name).in")
            try input.write(toFile: inputPath, atomically: true, encoding: .utf8)
            stdin = .file(inputPath)
        }
        process = try ChildProcess(
            leadledgerExecutable, arguments,
            environment: environment.isEmpty ? nil : ProcessInfo.processInfo.environment.merging(environment) { _, new in new },
            stdin: stdin, stdout: .file(stdoutPath), stderr: .file(stderrPath))
    }

    var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    func signal(_ signal: Int32) { process.signal(signal) }

    /// Waits until the process is gone; false if it is still alive after `seconds`.
    func waitUntilDead(seconds: Double) async throws -> Bool {
        try await process.wait(seconds: seconds) != nil
    }

    /// Waits for the exit and returns the status (128 + n when signal n ended it).
    /// On a timeout or cancellation (a test's time limit) the process is killed:
    /// a failing test never leaves a `leadledger` process behind.
    func wait(seconds: Double) async throws -> Int32 {
        let status: Int32?
        do {
            status = try await process.wait(seconds: seconds)
        } catch {
            signal(SIGKILL)
            throw error
        }
        guard let status else {
            signal(SIGKILL)
            throw TestFailure(
                "leadledger \(process.arguments.dropFirst().first ?? "") did not exit within \(seconds) s; stderr: \(stderr.suffix(2000))")
        }
        return status
    }
}

/// Runs `leadledger` to completion.
func runCLI(
    _ arguments: [String], directory: String, name: String, seconds: Double = 120, environment: [String: String] = [:], input: String? = nil
) async throws -> (status: Int32, stdout: String, stderr: String) {
    let process = try CLIProcess(arguments, directory: directory, name: name, environment: environment, input: input)
    let status = try await process.wait(seconds: seconds)
    return (status, process.stdout, process.stderr)
}

/// A temporary directory for one test.
func makeTemporaryDirectory(_ prefix: String) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent(uniqueName(prefix)).path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// The repository's default scoring configuration (absolute: CLI processes may run elsewhere).
let defaultScoringFile = repoRoot.appendingPathComponent("config/scoring.yaml").path
/// The repository's default routing rules.
let defaultRoutingFile = repoRoot.appendingPathComponent("config/routing.yaml").path

/// The repository's default decision configuration, loaded once.
let defaultDecisions: DecisionConfiguration = {
    var configuration = EngineConfiguration()
    configuration.scoringFile = defaultScoringFile
    configuration.routingFile = defaultRoutingFile
    return try! configuration.decisionConfiguration()
}()

/// Validates JSON records against a schema of `schemas/` with the venv Python's
/// `jsonschema` (`$LEADLEDGER_PYTHON`, else `<repo>/.venv/bin/python`).
/// - Returns: the validator's report (empty when every record is valid).
func schemaViolations(_ records: [[UInt8]], schema: String, directory: String) async throws -> String {
    let python = testPython
    guard FileManager.default.isExecutableFile(atPath: python) else {
        throw TestFailure("no Python with jsonschema: set LEADLEDGER_PYTHON or run scripts/bootstrap --tests")
    }
    let path = (directory as NSString).appendingPathComponent("\(schema.replacing("/", with: "-")).jsonl")
    var lines = Data()
    for record in records { lines.append(contentsOf: record.last == 0x0A ? record : record + [0x0A]) }
    try lines.write(to: URL(fileURLWithPath: path))
    let script = """
        import json, sys, jsonschema
        schema = json.load(open(sys.argv[1]))
        validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
        bad = 0
        for n, line in enumerate(open(sys.argv[2])):
            for e in validator.iter_errors(json.loads(line)):
                bad += 1
                if bad <= 5: print(f"record {n}: {'/'.join(map(str, e.absolute_path))}: {e.message[:300]}")
        if bad: print(f"{bad} violation(s)")
        """
    let result = try await runProcess(
        python, ["-c", script, repoRoot.appendingPathComponent("schemas/\(schema).schema.json").path, path])
    let text = result.stdout + result.stderr
    guard result.status == 0 else { throw TestFailure("schema validation could not run: \(text)") }
    return text
}

/// A configuration file with topic and group names unique to one test.
func writeConfiguration(directory: String, brokers: String, suffix: String) throws -> String {
    let yaml = """
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
        snapshot_every_records: 500
        http_host: 127.0.0.1
        http_port: 0
        scoring_file: \(defaultScoringFile)
        routing_file: \(defaultRoutingFile)
        """
    let path = (directory as NSString).appendingPathComponent("leadledger.yaml")
    try yaml.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

/// Prints how long each phase of a long test took (to stderr, so CI logs show
/// where the time goes when a time limit is hit).
struct PhaseClock: Sendable {
    let name: String
    let start = ContinuousClock.now

    init(_ name: String) { self.name = name }

    func mark(_ what: String) {
        let elapsed = (ContinuousClock.now - start).components
        let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        FileHandle.standardError.write(Data("[\(name) +\(String(format: "%.1f", seconds)) s] \(what)\n".utf8))
    }
}

/// The steps most end-to-end tests start with, as a user runs them: `generate`
/// a seeded workload, start `run`, wait with `lag --wait` until every stage has
/// caught up, stop `run` with SIGTERM (drain, snapshot, commit). Each step's
/// failure is recorded as an issue with its output.
func generateAndProcess(config: String, directory: String, seed: Int, events: Int, lagTimeout: Int = 150) async throws {
    let generate = try await runCLI(
        ["generate", "--config", config, "--seed", "\(seed)", "--events", "\(events)"], directory: directory, name: "generate")
    #expect(generate.status == 0, "\(generate.stderr)")
    let run = try CLIProcess(["run", "--config", config, "--state-directory", directory + "/state"], directory: directory, name: "run")
    defer { run.signal(SIGKILL) }
    let lag = try await runCLI(
        ["lag", "--config", config, "--wait", "--timeout", "\(lagTimeout)"], directory: directory, name: "lag",
        seconds: Double(lagTimeout + 30))
    #expect(lag.status == 0, "\(lag.stdout)\(lag.stderr.suffix(1000))")
    run.signal(SIGTERM)
    #expect(try await run.wait(seconds: 60) == 0, "\(run.stderr.suffix(2000))")
}

/// One test's CLI workspace: a directory, a configuration with topic and group
/// names of its own, and a state directory; runs `leadledger` commands in it.
struct CLIWorkspace {
    let brokers: String
    let directory: String
    let config: String
    /// The suffix of its topic and group names (`crm-<suffix>`, …).
    let suffix: String
    /// `--state-directory` and its path.
    let state: [String]

    /// Creates the directory and writes the configuration (`prefix` names both).
    init(_ prefix: String) throws {
        brokers = try EngineTestBroker.brokers()
        directory = try makeTemporaryDirectory(prefix)
        suffix = uniqueName(String(prefix.prefix(2)))
        config = try writeConfiguration(directory: directory, brokers: brokers, suffix: suffix)
        state = ["--state-directory", directory + "/state"]
    }

    /// `leadledger generate` with a seed and a message count; expects status 0.
    func generate(_ seed: Int, _ events: Int) async throws {
        let result = try await runCLI(
            ["generate", "--config", config, "--seed", String(seed), "--events", String(events)], directory: directory,
            name: "generate-\(seed)")
        #expect(result.status == 0, "\(result.stderr)")
    }

    /// `leadledger lag --wait`: expects every stage caught up.
    func caughtUp(_ name: String) async throws {
        let lag = try await runCLI(
            ["lag", "--config", config, "--wait", "--timeout", "120"], directory: directory, name: "lag-\(name)", seconds: 150)
        #expect(lag.status == 0 && lag.stdout.contains("lag: caught up"), "\(lag.stdout)\(lag.stderr.suffix(1000))")
    }

    /// `leadledger <command…>` with this workspace's configuration and state directory.
    func run(_ command: [String], _ name: String) async throws -> (status: Int32, stdout: String, stderr: String) {
        try await runCLI(command + ["--config", config] + state, directory: directory, name: name)
    }
}
