import Foundation
import LeadLedgerDecisions
import LeadLedgerEngine
import TestSupport
import Testing

@Suite("leadledger train (CLI)")
struct TrainCommandTests {
    /// As a user would: a seeded workload through `leadledger generate` and
    /// `leadledger run` (until `lag --wait` says every stage caught up), then
    /// `leadledger train --out DIR` on the canonical log. The printed figures
    /// parse (last line `AUC <value>`), the directory loads as the decision
    /// configuration with `model_version` = the content hash of scoring.yaml ‖
    /// lr.json, and `leadledger replay --scoring-config DIR/scoring.yaml`
    /// re-derives records stamped with that version. `--ensemble --rules` writes
    /// the ensemble directory, which loads too; too few examples are refused
    /// with `insufficient_data`; a bad rules file is refused before the log is read.
    ///
    /// The workload's outcomes depend on each person's latent propensity, which
    /// their title, company and behaviour reveal in part (WorkloadGenerator), so
    /// the regression must rank the held-out leads better than chance: the mean
    /// AUC over the split seeds 0, 1 and 2 is above 0.6 (0.73–0.83 in the runs
    /// made when this was written; a single split of ~70 held-out leads moves by
    /// ±0.08, and the log, hence the split, differs a little from run to run).
    /// ConfigurationAndGeneratorTests checks the signal in the messages exactly.
    /// The time limit is a hang bound.
    @Test(.timeLimit(.minutes(5)))
    func trainFromTheLog() async throws {
        let brokers = try EngineTestBroker.brokers()
        let directory = try makeTemporaryDirectory("train")
        let suffix = uniqueName("tr")
        let config = try writeConfiguration(directory: directory, brokers: brokers, suffix: suffix)
        let phases = PhaseClock("train")

        let generate = try await runCLI(
            ["generate", "--config", config, "--seed", "7", "--events", "5000"], directory: directory, name: "generate")
        #expect(generate.status == 0, "\(generate.stderr)")
        let run = try CLIProcess(["run", "--config", config, "--state-directory", directory + "/state"], directory: directory, name: "run")
        defer { run.signal(SIGKILL) }
        let lag = try await runCLI(
            ["lag", "--config", config, "--wait", "--timeout", "180"], directory: directory, name: "lag", seconds: 200)
        #expect(lag.status == 0 && lag.stdout.contains("lag: caught up"), "\(lag.stdout)\(lag.stderr.suffix(1000))")
        run.signal(SIGTERM)
        #expect(try await run.wait(seconds: 60) == 0, "\(run.stderr.suffix(2000))")
        phases.mark("workload generated and processed")

        // Train on the log. An unconstrained regression on this small log fails at least one
        // check (which ones depends on the workload's interleaving: usually the held-out
        // comparison with the shipped B2B model, often the scenarios or monotonicity): --out
        // refuses it, says which checks failed and writes nothing.
        let out = directory + "/model"
        let refused = try await runCLI(["train", "--config", config, "--out", out], directory: directory, name: "train-refused")
        #expect(refused.status == 1, "\(refused.stdout)\(refused.stderr)")
        #expect(refused.stderr.contains("train: refused: ") && refused.stderr.contains("nothing written"), "\(refused.stderr)")
        for check in ["holdout", "scenarios", "monotonicity"] {
            #expect(refused.stdout.contains("check \(check): "), "\(refused.stdout)")
        }
        let failed = ["holdout", "scenarios", "monotonicity"].filter { refused.stdout.contains("check \($0): FAILED") }
        #expect(!failed.isEmpty, "\(refused.stdout)")
        #expect(failed.allSatisfy { refused.stderr.contains($0) }, "the refusal names every failed check: \(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out), "a refused model was written")
        // --force writes it anyway, loudly.
        let train = try await runCLI(["train", "--config", config, "--out", out, "--force"], directory: directory, name: "train")
        #expect(train.status == 0, "\(train.stderr)")
        #expect(train.stderr.contains("WARNING: --force"), "\(train.stderr)")
        let lines = train.stdout.split(separator: "\n").map(String.init)
        func figure(_ prefix: String) -> Double? {
            lines.last { $0.hasPrefix(prefix + " ") }.flatMap { Double($0.dropFirst(prefix.count + 1)) }
        }
        let auc = try #require(figure("AUC"), "\(train.stdout)")
        #expect(lines.last?.hasPrefix("AUC ") == true)
        #expect((0...1).contains(auc))
        #expect(figure("precision@20%").map { (0...1).contains($0) } == true, "\(train.stdout)")
        #expect(figure("ECE").map { (0...1).contains($0) } == true, "\(train.stdout)")
        let summary = try #require(lines.first { $0.hasPrefix("train: events-\(suffix) partitions 0,1,2,3: ") }, "\(train.stdout)")
        let examples = Int(summary.split(separator: "→ ").last?.prefix { $0.isNumber } ?? "") ?? 0
        #expect(examples >= 20, "\(summary)")
        phases.mark("trained: \(lines.suffix(3).joined(separator: ", "))")
        var aucs = [auc]
        for seed in ["1", "2"] {
            let other = try await runCLI(["train", "--config", config, "--seed", seed], directory: directory, name: "train-seed-\(seed)")
            #expect(other.status == 0, "\(other.stderr)")
            let last = other.stdout.split(separator: "\n").last.map(String.init) ?? ""
            aucs.append(try #require(last.hasPrefix("AUC ") ? Double(last.dropFirst(4)) : nil, "\(other.stdout)"))
        }
        let meanAUC = aucs.reduce(0, +) / Double(aucs.count)
        #expect(meanAUC > 0.6, "the generator's outcomes carry signal: AUC \(aucs) for split seeds 0, 1, 2")
        phases.mark("split seeds 0, 1, 2: AUC \(aucs)")

        // The directory is a decision configuration; its model version is the content hash of its files.
        let scoringURL = URL(fileURLWithPath: out + "/scoring.yaml")
        let lrURL = URL(fileURLWithPath: out + "/lr.json")
        let loaded = try DecisionConfiguration.load(scoringConfig: scoringURL, routingRules: URL(fileURLWithPath: defaultRoutingFile))
        let version = String(ContentVersion(of: try Data(contentsOf: scoringURL) + [0] + Data(contentsOf: lrURL)).sha256.prefix(16))
        #expect(loaded.modelVersion == version)
        #expect(loaded.extractor.schema == defaultDecisions.extractor.schema)
        let artifact = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: lrURL)) as? [String: Any])
        let range = (artifact["training"] as? [String: Any])?["range"] as? String
        #expect(range?.hasPrefix("events-\(suffix) partitions 0@0..<") == true, "\(range ?? "no range")")
        // The model registry (which loads the decision step as `run` does, with the routing rules)
        // accepts the directory and names it by the same content version. (A replay no longer shows
        // it: the log's own activation, written by `run`'s bootstrap, names the model that decides.)
        let registered = try await runCLI(
            ["models", "register", out, "--config", config, "--state-directory", directory + "/models-state"], directory: directory,
            name: "register")
        #expect(registered.status == 0, "\(registered.stderr)")
        #expect(registered.stdout.split(separator: "\n").last.map(String.init) == version, "\(registered.stdout)")

        // The stacked ensemble with a points model.
        let ensembleOut = directory + "/ensemble"
        let rules = repoRoot.appendingPathComponent("config/points.yaml").path
        let stacked = try await runCLI(
            ["train", "--config", config, "--out", ensembleOut, "--ensemble", "--rules", rules, "--force"], directory: directory,
            name: "train-ensemble")
        #expect(stacked.status == 0, "\(stacked.stderr)")
        for prefix in ["logistic regression holdout: AUC ", "points model holdout: AUC ", "ensemble holdout: AUC "] {
            #expect(stacked.stdout.contains(prefix), "\(stacked.stdout)")
        }
        #expect(stacked.stdout.split(separator: "\n").last?.hasPrefix("AUC ") == true)
        let ensemble = try DecisionConfiguration.load(
            scoringConfig: URL(fileURLWithPath: ensembleOut + "/scoring.yaml"), routingRules: URL(fileURLWithPath: defaultRoutingFile))
        #expect(ensemble.ensemble.components.map(\.name) == ["fit", "propensity"])
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: ensembleOut + "/fit-rules.yaml")) == Data(contentsOf: URL(fileURLWithPath: rules)))

        // Refusals: too few examples; a rules file that is not a points model.
        let few = try await runCLI(["train", "--config", config, "--minimum-per-class", "100000"], directory: directory, name: "train-few")
        #expect(few.status == 1 && few.stderr.contains("too few examples") && few.stderr.contains("[insufficient_data]"), "\(few.stderr)")
        let badRules = directory + "/bad-rules.yaml"
        try "name: x\ngroups:\n  - name: g\n    rules:\n      - {feature: no_such_feature, op: \">\", value: 0, points: 1}\n".write(
            toFile: badRules, atomically: true, encoding: .utf8)
        let bad = try await runCLI(
            ["train", "--config", config, "--ensemble", "--rules", badRules], directory: directory, name: "train-bad")
        #expect(bad.status == 3 && bad.stderr.contains(badRules) && bad.stderr.contains("no_such_feature"), "\(bad.stderr)")
    }
}
