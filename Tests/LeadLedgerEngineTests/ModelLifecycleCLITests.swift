import Foundation
import TestSupport
import Testing

@Suite("leadledger models (CLI)")
struct ModelLifecycleCLITests {
    /// `models list --format json`, as far as this test reads it.
    struct ModelList: Decodable {
        struct Model: Decodable {
            var modelVersion: String
            var active: Bool
        }
        var models: [Model]
        var active: String
    }

    /// As an operator would, against the broker: `run` registers and promotes the
    /// configured model; a second model (config/ensemble) is registered and
    /// promoted mid-stream, then rolled back; a further rollback is refused
    /// (status 1), an unknown version is an error (status 3) and a control event
    /// naming one goes to the DLQ as `unknown_model_version`. The audit records
    /// name both models, and `audit verify` re-derives every record byte for
    /// byte across both switches. The routing file registers as a rule set
    /// (`rules register|list|show`) without showing up among the models.
    /// The time limit is a hang bound.
    @Test(.timeLimit(.minutes(5)))
    func promoteAndRollBackMidStreamThenVerify() async throws {
        let workspace = try CLIWorkspace("models")
        let (brokers, directory, config, suffix, state) = (
            workspace.brokers, workspace.directory, workspace.config, workspace.suffix, workspace.state
        )
        let phases = PhaseClock("models")
        func generate(_ seed: Int, _ events: Int) async throws { try await workspace.generate(seed, events) }
        func caughtUp(_ name: String) async throws { try await workspace.caughtUp(name) }
        func models(_ arguments: [String], _ name: String) async throws -> (status: Int32, stdout: String, stderr: String) {
            try await workspace.run(["models"] + arguments, name)
        }

        try await generate(31, 600)
        let run = try CLIProcess(["run", "--config", config] + state, directory: directory, name: "run")
        defer { run.signal(SIGKILL) }
        try await caughtUp("first")
        phases.mark("first workload processed")

        // The rule-set registry: the configured routing file registers under the ruleset_version
        // its decisions carry, reads back byte for byte, and stays out of the model list below.
        func rules(_ arguments: [String], _ name: String) async throws -> (status: Int32, stdout: String, stderr: String) {
            try await runCLI(["rules"] + arguments + ["--config", config] + state, directory: directory, name: name)
        }
        let ruleSet = try await rules(["register", defaultRoutingFile], "rules-register")
        #expect(ruleSet.status == 0, "\(ruleSet.stderr)")
        #expect(ruleSet.stdout.split(separator: "\n").last.map(String.init) == defaultDecisions.rulesetVersion, "\(ruleSet.stdout)")
        let ruleSets = try await rules(["list", "--format", "json"], "rules-list")
        #expect(
            ruleSets.status == 0 && ruleSets.stdout.contains(#""configured":true"#)
                && ruleSets.stdout.contains(#""ruleset_version":"\#(defaultDecisions.rulesetVersion)""#),
            "\(ruleSets.stdout)\(ruleSets.stderr)")
        let ruleText = try await rules(["show", defaultDecisions.rulesetVersion, "--format", "text"], "rules-show")
        let routingText = try String(contentsOfFile: defaultRoutingFile, encoding: .utf8)
        #expect(ruleText.status == 0 && ruleText.stdout == routingText, "\(ruleText.stderr)")
        let unknownRules = try await rules(["show", "0123456789abcdef"], "rules-show-unknown")
        #expect(unknownRules.status == 3 && unknownRules.stderr.contains("unknown_ruleset_version"), "\(unknownRules.stderr)")

        let listed = try await models(["list", "--format", "json"], "list")
        #expect(listed.status == 0, "\(listed.stderr)")
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let list = try decoder.decode(ModelList.self, from: Data(listed.stdout.utf8))
        #expect(list.active == defaultDecisions.modelVersion, "run bootstraps the configured model")
        #expect(list.models.map(\.modelVersion) == [defaultDecisions.modelVersion])

        let registered = try await models(["register", repoRoot.appendingPathComponent("config/ensemble").path], "register")
        #expect(registered.status == 0, "\(registered.stderr)")
        let candidate = String(registered.stdout.split(separator: "\n").last ?? "")
        #expect(candidate.count == 16 && candidate != defaultDecisions.modelVersion, "\(registered.stdout)")
        let shown = try await models(["show", candidate], "show")
        #expect(shown.status == 0 && shown.stdout.contains(#""model_version":"\#(candidate)""#), "\(shown.stdout)\(shown.stderr)")

        let unknown = try await models(["promote", "0123456789abcdef", "--actor", "ana", "--reason", "typo"], "promote-unknown")
        #expect(unknown.status == 3 && unknown.stderr.contains("unknown_model_version"), "\(unknown.stderr)")
        let bogus =
            #"{"event_id":"e-bogus","type":"model.promote","version":"0123456789abcdef","actor":"eve","reason":"x","occurred_at":"2026-12-01T10:00:00Z"}"#
        let produced = try await runCLI(
            ["produce", "--topic", "control-\(suffix)", "-b", brokers], directory: directory, name: "produce-bogus", input: bogus + "\n")
        #expect(produced.status == 0, "\(produced.stderr)")

        let promoted = try await models(["promote", candidate, "--actor", "ana", "--reason", "try the ensemble"], "promote")
        #expect(promoted.status == 0, "\(promoted.stderr)")
        try await generate(32, 300)
        try await caughtUp("promoted")
        phases.mark("promoted and processed")

        let rolledBack = try await models(["rollback", "--actor", "bob", "--reason", "precision dropped"], "rollback")
        #expect(
            rolledBack.status == 0 && rolledBack.stdout.contains(defaultDecisions.modelVersion), "\(rolledBack.stdout)\(rolledBack.stderr)")
        try await generate(33, 300)
        try await caughtUp("rolled-back")
        let refused = try await models(["rollback", "--actor", "bob", "--reason", "once more"], "rollback-refused")
        #expect(refused.status == 1 && refused.stderr.contains("refused"), "\(refused.stderr)")
        run.signal(SIGTERM)
        #expect(try await run.wait(seconds: 60) == 0, "\(run.stderr.suffix(2000))")
        phases.mark("rolled back, processed and stopped")

        let audit = try await readAll("audit-\(suffix)", partitions: 3, brokers: brokers)
        var versions: Set<String> = []
        for record in audit {
            let text = String(decoding: record.value, as: UTF8.self)
            if let range = text.range(of: #""model_version":""#) { versions.insert(String(text[range.upperBound...].prefix(16))) }
        }
        #expect(versions == [defaultDecisions.modelVersion, candidate])
        let dlq = try await readAll("dlq-\(suffix)", partitions: 3, brokers: brokers)
        #expect(dlq.contains { String(decoding: $0.value, as: UTF8.self).contains("unknown_model_version") })

        let verify = try await runCLI(["audit", "verify", "--config", config] + state, directory: directory, name: "verify", seconds: 150)
        #expect(verify.status == 0 && verify.stdout.contains("audit verify: OK"), "\(verify.stdout)\(verify.stderr.suffix(1500))")
        phases.mark("audit verified")
    }
}
