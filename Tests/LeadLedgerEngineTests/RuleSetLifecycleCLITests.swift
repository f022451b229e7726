import Foundation
import LeadLedgerDecisions
import TestSupport
import Testing

@Suite("leadledger rules promote|rollback (CLI)")
struct RuleSetLifecycleCLITests {
    /// `explain --format json`, as far as this test reads it.
    struct Explanation: Decodable {
        struct Switch: Decodable {
            var type: String
            var version: String
            var actor: String
            var reason: String
            var decisionIds: [String]
        }
        var switches: [Switch]
    }

    /// As an operator would, against the broker: a pilot rule set (the default
    /// rules with the development and nurture queues renamed) is registered and
    /// promoted mid-stream (which registers the configured rules too), then rolled
    /// back. The routing records name the rule set in force at each log position
    /// and route by it; a second rollback is refused (status 1), an unknown rule
    /// set is an error (status 3) and a control event naming one goes to the DLQ
    /// as `unknown_ruleset_version`. `explain` credits the pilot's decisions to
    /// the promote (actor, reason), `audit verify` re-derives every record byte
    /// for byte across both switches, and `backtest --rules VERSION` replays with
    /// the pilot rules. The time limit is a hang bound.
    @Test(.timeLimit(.minutes(5)))
    func promoteAndRollBackRulesMidStreamThenVerify() async throws {
        let workspace = try CLIWorkspace("rulesets")
        let (brokers, directory, config, suffix, state) = (
            workspace.brokers, workspace.directory, workspace.config, workspace.suffix, workspace.state
        )
        let phases = PhaseClock("rulesets")
        let configured = defaultDecisions.rulesetVersion
        func generate(_ seed: Int, _ events: Int) async throws { try await workspace.generate(seed, events) }
        func caughtUp(_ name: String) async throws { try await workspace.caughtUp(name) }
        func rules(_ arguments: [String], _ name: String) async throws -> (status: Int32, stdout: String, stderr: String) {
            try await workspace.run(["rules"] + arguments, name)
        }

        let pilotFile = directory + "/pilot-routing.yaml"
        let routing = try String(contentsOfFile: defaultRoutingFile, encoding: .utf8)
        let pilotText = routing.replacing("queue: sdr-inbound", with: "queue: sdr-pilot").replacing(
            "queue: marketing-nurture", with: "queue: nurture-pilot")
        try pilotText.write(toFile: pilotFile, atomically: true, encoding: .utf8)

        try await generate(41, 300)
        let run = try CLIProcess(["run", "--config", config] + state, directory: directory, name: "run")
        defer { run.signal(SIGKILL) }
        try await caughtUp("first")
        phases.mark("first workload processed")

        let registered = try await rules(["register", pilotFile], "register")
        #expect(registered.status == 0, "\(registered.stderr)")
        let pilot = String(registered.stdout.split(separator: "\n").last ?? "")
        #expect(pilot.count == 16 && pilot != configured, "\(registered.stdout)")
        let unknown = try await rules(["promote", "0123456789abcdef", "--actor", "ana", "--reason", "typo"], "promote-unknown")
        #expect(unknown.status == 3 && unknown.stderr.contains("unknown_ruleset_version"), "\(unknown.stderr)")
        let early = try await rules(["rollback", "--actor", "ana", "--reason", "nothing yet"], "rollback-early")
        #expect(early.status == 1 && early.stderr.contains("promote_refused"), "\(early.stderr)")
        let bogus =
            #"{"event_id":"e-bogus","type":"ruleset.promote","version":"0123456789abcdef","actor":"eve","reason":"x","occurred_at":"2026-12-01T10:00:00Z"}"#
        let produced = try await runCLI(
            ["produce", "--topic", "control-\(suffix)", "-b", brokers], directory: directory, name: "produce-bogus", input: bogus + "\n")
        #expect(produced.status == 0, "\(produced.stderr)")

        let promoted = try await rules(["promote", pilot, "--actor", "ana", "--reason", "pilot queues"], "promote")
        #expect(promoted.status == 0 && promoted.stdout.contains("active before: \(configured)"), "\(promoted.stdout)\(promoted.stderr)")
        let listed = try await rules(["list", "--format", "json"], "list")
        #expect(listed.status == 0 && listed.stdout.contains(#""active":"\#(pilot)""#), "\(listed.stdout)\(listed.stderr)")
        #expect(listed.stdout.contains(#""ruleset_version":"\#(configured)""#), "the promote registered the configured rules")
        try await generate(42, 300)
        try await caughtUp("promoted")
        phases.mark("promoted and processed")

        let rolledBack = try await rules(["rollback", "--actor", "bob", "--reason", "pilot over"], "rollback")
        #expect(
            rolledBack.status == 0 && rolledBack.stdout.contains("\(pilot) → \(configured)"), "\(rolledBack.stdout)\(rolledBack.stderr)")
        try await generate(43, 300)
        try await caughtUp("rolled-back")
        let refused = try await rules(["rollback", "--actor", "bob", "--reason", "once more"], "rollback-refused")
        #expect(refused.status == 1 && refused.stderr.contains("promote_refused"), "\(refused.stderr)")
        run.signal(SIGTERM)
        #expect(try await run.wait(seconds: 60) == 0, "\(run.stderr.suffix(2000))")
        phases.mark("rolled back, processed and stopped")

        // Each partition routes by the configured rules, then the pilot's, then the configured ones again.
        let records = try await readAll("routing-\(suffix)", partitions: 3, brokers: brokers)
        let routed = try records.map { try RoutingRecordView($0.value) }
        var byPartition: [Int32: [String]] = [:]
        for (record, view) in zip(records, routed) {
            if byPartition[record.partition]?.last != view.rulesetVersion {
                byPartition[record.partition, default: []].append(view.rulesetVersion)
            }
        }
        #expect(byPartition.values.contains([configured, pilot, configured]), "\(byPartition)")
        #expect(
            byPartition.values.allSatisfy { [[configured], [configured, pilot], [configured, pilot, configured]].contains($0) },
            "\(byPartition)")
        let pilotQueues = Set(routed.filter { $0.rulesetVersion == pilot }.map(\.queue))
        let configuredQueues = Set(routed.filter { $0.rulesetVersion == configured }.map(\.queue))
        #expect(pilotQueues.contains("sdr-pilot") || pilotQueues.contains("nurture-pilot"), "\(pilotQueues)")
        #expect(pilotQueues.isDisjoint(with: ["sdr-inbound", "marketing-nurture"]), "\(pilotQueues)")
        #expect(configuredQueues.isDisjoint(with: ["sdr-pilot", "nurture-pilot"]), "\(configuredQueues)")
        let dlq = try await readAll("dlq-\(suffix)", partitions: 3, brokers: brokers)
        #expect(dlq.contains { String(decoding: $0.value, as: UTF8.self).contains("unknown_ruleset_version") })

        // explain names the promote behind a lead's pilot decisions.
        let lead = try #require(routed.first { $0.rulesetVersion == pilot }?.leadID)
        let explained = try await runCLI(
            ["explain", "--config", config, "--lead", lead, "--format", "json"], directory: directory, name: "explain")
        #expect(explained.status == 0, "\(explained.stderr)")
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let explanation = try decoder.decode(Explanation.self, from: Data(explained.stdout.utf8))
        let promote = try #require(
            explanation.switches.first { $0.type == "ruleset.promote" && $0.version == pilot }, "\(explained.stdout)")
        #expect(promote.actor == "ana" && promote.reason == "pilot queues" && !promote.decisionIds.isEmpty)

        let verify = try await runCLI(["audit", "verify", "--config", config] + state, directory: directory, name: "verify", seconds: 150)
        #expect(verify.status == 0 && verify.stdout.contains("audit verify: OK"), "\(verify.stdout)\(verify.stderr.suffix(1500))")
        phases.mark("audit verified")

        // A backtest with the registered pilot rules and the configured model.
        let backtest = try await runCLI(
            ["backtest", "--config", config, "--rules", pilot, "--format", "json"] + state, directory: directory, name: "backtest",
            seconds: 150)
        #expect(
            backtest.status == 0 && backtest.stdout.contains(#""candidate_ruleset_version":"\#(pilot)""#)
                && backtest.stdout.contains(#""candidate_model_version":"\#(defaultDecisions.modelVersion)""#),
            "\(backtest.stdout)\(backtest.stderr.suffix(1500))")
        // The pilot renames queues only: every lead keeps its tier and owner, and the
        // leads the record routed by the configured rules into a renamed queue change queue.
        let compared = try LifecycleCommandTests.decode(LifecycleCommandTests.Backtest.self, backtest.stdout).comparison
        #expect(compared.tierChanged == 0 && compared.ownerChanged == 0, "\(compared)")
        #expect(compared.queueChanged > 0 && compared.queueChanged <= compared.bothSides, "\(compared)")
    }
}
