import Foundation
import TestSupport
import Testing

@Suite("leadledger kpis, backtest, drift (CLI)")
struct LifecycleCommandTests {
    /// `kpis --format json`, as far as this test reads it.
    struct KPIs: Decodable {
        struct Key: Decodable {
            var day: String?
            var model: String?
            var tier: String?
        }
        struct Group: Decodable {
            var key: Key
            var leads: Int
            var qualified: Int
            var qualifiedRate: Double?
            var converted: Int
            var precisionAtTarget: Double?
            var timeToQualifyMedianSeconds: Double?
            var timeToQualifyP90Seconds: Double?
        }
        var by: [String]
        var auditRecords: Int
        var groups: [Group]
    }

    /// `backtest --format json`, as far as this test reads it.
    struct Backtest: Decodable {
        struct Transition: Decodable, Equatable {
            var from: String
            var to: String
            var leads: Int
        }
        struct Side: Decodable, Equatable {
            var auc: Double?
            var salesReady: Int
        }
        struct Comparison: Decodable, Equatable {
            var leads: Int
            var bothSides: Int
            var tierChanged: Int
            var queueChanged: Int
            var ownerChanged: Int
            var transitions: [Transition]
            var labelled: Int
            var record: Side
            var candidate: Side
        }
        var candidate: String?
        var candidateSource: String?
        var candidateModelVersion: String
        var recordModelVersions: [String]
        var logEvents: Int
        var comparison: Comparison
    }

    /// `drift --format json`, as far as this test reads it.
    struct Drift: Decodable {
        struct Variable: Decodable {
            var name: String
            var psi: Double?
            var crosses: Bool
        }
        struct Model: Decodable {
            var modelVersion: String
            var samples: Int
            var variables: [Variable]
        }
        var models: [Model]
        var crossings: Int
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(type, from: Data(text.utf8))
    }

    /// As a user would: a seeded workload through `generate` and `run`, then the
    /// lifecycle reports. `kpis` groups every decided lead by day and model (the
    /// configured model's version) and agrees with itself across groupings;
    /// `backtest` with the configuration on record changes no tier and no owner,
    /// with another model (config/ensemble) it changes some; `drift` against a
    /// baseline written from the standard workload's latest 12 hours keeps
    /// `free_mail` below the threshold on a standard continuation and raises an
    /// alert on it (status 1) after a drifted one (`generate --shift 1`).
    /// Finally a model trained on the log and registered (`train --register`) is
    /// backtested by its version, with the same figures as its directory; an
    /// unknown version is status 3. `models promote` judges candidates on the
    /// trained model's held-out split: a worse one is refused with the figures
    /// `train` printed for that split, the better one is promoted. The time limit
    /// is a hang bound.
    @Test(.timeLimit(.minutes(7)))
    func lifecycleReportsOnAGeneratedWorkload() async throws {
        let brokers = try EngineTestBroker.brokers()
        let directory = try makeTemporaryDirectory("life")
        let suffix = uniqueName("lf")
        let config = try writeConfiguration(directory: directory, brokers: brokers, suffix: suffix)
        let phases = PhaseClock("lifecycle")

        func process(_ generateArguments: [String], _ name: String) async throws {
            let generate = try await runCLI(
                ["generate", "--config", config, "--seed", "11"] + generateArguments, directory: directory, name: name)
            #expect(generate.status == 0, "\(generate.stderr)")
            let run = try CLIProcess(
                ["run", "--config", config, "--state-directory", directory + "/state"], directory: directory, name: "run-\(name)")
            defer { run.signal(SIGKILL) }
            let lag = try await runCLI(
                ["lag", "--config", config, "--wait", "--timeout", "180"], directory: directory, name: "lag-\(name)", seconds: 200)
            #expect(lag.status == 0 && lag.stdout.contains("lag: caught up"), "\(lag.stdout)\(lag.stderr.suffix(1000))")
            run.signal(SIGTERM)
            #expect(try await run.wait(seconds: 60) == 0, "\(run.stderr.suffix(2000))")
        }
        try await process(["--events", "3000"], "standard")
        phases.mark("standard workload generated and processed")

        // KPIs per day and model.
        let kpis = try await runCLI(["kpis", "--config", config, "--format", "json"], directory: directory, name: "kpis")
        #expect(kpis.status == 0, "\(kpis.stderr)")
        let report = try Self.decode(KPIs.self, kpis.stdout)
        #expect(report.by == ["day", "model"])
        #expect(report.auditRecords > 1000)
        #expect(!report.groups.isEmpty)
        #expect(Set(report.groups.compactMap(\.key.model)) == [defaultDecisions.modelVersion])
        #expect(report.groups.map { $0.key.day ?? "" } == report.groups.map { $0.key.day ?? "" }.sorted())
        for group in report.groups {
            #expect(group.qualified <= group.leads && group.converted <= group.leads)
            #expect(group.qualifiedRate == Double(group.qualified) / Double(group.leads))
            if let p50 = group.timeToQualifyMedianSeconds, let p90 = group.timeToQualifyP90Seconds { #expect(0 <= p50 && p50 <= p90) }
        }
        let leads = report.groups.reduce(0) { $0 + $1.leads }
        let tierArm = try await runCLI(
            ["kpis", "--config", config, "--format", "json", "--by", "tier", "--by", "arm"], directory: directory, name: "kpis-tier")
        let byTier = try Self.decode(KPIs.self, tierArm.stdout)
        // Every lead is in the treatment arm (no holdout is configured): the lift has an empty holdout.
        #expect(tierArm.stdout.contains(#""lift":{"holdout":{"converted":0,"leads":0,"revenue":0}"#), "\(tierArm.stdout)")
        #expect(
            try await schemaViolations([Array(kpis.stdout.utf8), Array(tierArm.stdout.utf8)], schema: "cli/kpis", directory: directory)
                == "")
        #expect(byTier.groups.reduce(0) { $0 + $1.leads } == leads)
        #expect(byTier.groups.allSatisfy { $0.key.tier != nil && $0.key.day == nil })
        let text = try await runCLI(["kpis", "--config", config], directory: directory, name: "kpis-text")
        #expect(text.status == 0 && text.stdout.contains("conversion by tier: "), "\(text.stdout)")
        let badTime = try await runCLI(["kpis", "--config", config, "--since", "yesterday"], directory: directory, name: "kpis-bad")
        #expect(badTime.status == 2 && badTime.stderr.contains("RFC 3339"), "\(badTime.stderr)")
        phases.mark("kpis: \(leads) leads in \(report.groups.count) groups")

        // Backtest: the configuration on record changes nothing; another model changes tiers.
        let out = directory + "/backtest.json"
        let same = try await runCLI(
            [
                "backtest", "--config", config, "--candidate", repoRoot.appendingPathComponent("config").path, "--format", "json", "--out",
                out,
            ],
            directory: directory, name: "backtest-same")
        #expect(same.status == 0, "\(same.stderr)")
        let unchanged = try Self.decode(Backtest.self, same.stdout)
        #expect(try String(contentsOfFile: out, encoding: .utf8) == same.stdout)
        #expect(try await schemaViolations([Array(same.stdout.utf8)], schema: "cli/backtest", directory: directory) == "")
        #expect(unchanged.candidateModelVersion == defaultDecisions.modelVersion)
        #expect(unchanged.recordModelVersions == [defaultDecisions.modelVersion])
        #expect(unchanged.logEvents > 1000)
        #expect(unchanged.comparison.leads == leads)
        #expect(unchanged.comparison.bothSides == leads)
        #expect(unchanged.comparison.tierChanged == 0 && unchanged.comparison.ownerChanged == 0)
        #expect(unchanged.comparison.transitions.allSatisfy { $0.from == $0.to })
        #expect(unchanged.comparison.labelled > 0)
        #expect(unchanged.comparison.record.auc == unchanged.comparison.candidate.auc)
        #expect(same.stderr.contains("backtest: replay"), "progress on stderr: \(same.stderr)")
        let otherOut = directory + "/backtest-other.json"
        let other = try await runCLI(
            ["backtest", "--config", config, "--candidate", repoRoot.appendingPathComponent("config/ensemble").path, "--out", otherOut],
            directory: directory, name: "backtest-other")
        #expect(other.status == 0, "\(other.stderr)")
        let changed = try Self.decode(Backtest.self, try String(contentsOfFile: otherOut, encoding: .utf8))
        #expect(changed.candidateModelVersion != defaultDecisions.modelVersion)
        #expect(changed.comparison.tierChanged > 0)
        #expect(changed.comparison.transitions.contains { $0.from != $0.to })
        #expect(other.stdout.contains("tier changed: \(changed.comparison.tierChanged) "), "\(other.stdout)")
        phases.mark("backtest: \(changed.comparison.tierChanged) of \(changed.comparison.bothSides) leads change tier with config/ensemble")

        // Drift: the latest 12 hours of the standard workload become the baseline. A standard
        // continuation leaves free_mail where it was; a drifted one (--shift 1) moves it past
        // the threshold: an ALERT, status 1. (Other variables drift too as the synthetic
        // population ages, e.g. open_opportunities accumulates, so only free_mail is compared.)
        let baseline = directory + "/baseline.json"
        let written = try await runCLI(
            ["drift", "--config", config, "--window", "12h", "--write-baseline", baseline, "--format", "json"], directory: directory,
            name: "drift-baseline")
        #expect([0, 1].contains(written.status) && FileManager.default.fileExists(atPath: baseline), "\(written.stderr)")
        let monitor = "monitor-\(suffix)"
        func freeMail(_ name: String) async throws -> (status: Int32, report: Drift, variable: Drift.Variable?) {
            let drift = try await runCLI(
                [
                    "drift", "--config", config, "--window", "12h", "--baseline", baseline, "--format", "json", "--publish",
                    "--monitor-topic",
                    monitor,
                ], directory: directory, name: name)
            let report = try Self.decode(Drift.self, drift.stdout)
            #expect(try await schemaViolations([Array(drift.stdout.utf8)], schema: "cli/drift", directory: directory) == "")
            #expect(report.models.map(\.modelVersion) == [defaultDecisions.modelVersion], "\(drift.stdout)")
            return (drift.status, report, report.models.first?.variables.first { $0.name == "free_mail" })
        }
        try await process(["--events", "1500", "--skip", "3000"], "standard-continued")
        let calm = try await freeMail("drift-standard")
        let calmPSI = try #require(calm.variable?.psi)
        #expect(calmPSI < 0.2 && calm.variable?.crosses == false, "free_mail PSI \(calmPSI)")
        try await process(["--events", "1500", "--skip", "4500", "--shift", "1"], "shifted")
        let alert = try await freeMail("drift-shifted")
        let alertPSI = try #require(alert.variable?.psi)
        #expect(alertPSI >= 0.2 && alert.variable?.crosses == true, "free_mail PSI \(alertPSI)")
        #expect(alert.status == 1 && alert.report.crossings > 0)
        // --publish: the calm run published no free_mail record, the drifted one did; every record fits its schema.
        let published = try await readAll(monitor, partitions: 1, brokers: brokers)
        let texts = published.map { String(decoding: $0.value, as: UTF8.self) }
        #expect(published.count == alert.report.crossings + calm.report.crossings, "\(texts)")
        #expect(texts.filter { $0.contains(#""variable":"free_mail""#) }.count == 1, "\(texts)")
        #expect(try await schemaViolations(published.map(\.value), schema: "leadledger.monitor", directory: directory) == "")
        phases.mark("drift: free_mail PSI \(calmPSI) standard, \(alertPSI) shifted")

        // A model trained on this log and registered is backtested by its version: the registry's
        // copy decides exactly as the directory it was registered from. (The checks of `train --out`
        // may refuse a regression fitted on this small log, so it is forced: only the version matters.)
        let model = directory + "/model"
        let state = ["--state-directory", directory + "/state"]
        let train = try await runCLI(
            ["train", "--config", config, "--out", model, "--register", "--force", "--minimum-per-class", "3"] + state,
            directory: directory,
            name: "train", seconds: 180)
        #expect(train.status == 0, "\(train.stdout)\(train.stderr)")
        let version = String(train.stdout.split(separator: "\n").last ?? "")
        #expect(version.count == 16 && version != defaultDecisions.modelVersion, "\(train.stdout)")
        let byVersion = try await runCLI(
            ["backtest", "--config", config, "--candidate", version, "--format", "json"] + state, directory: directory,
            name: "backtest-version")
        #expect(byVersion.status == 0, "\(byVersion.stderr)")
        #expect(try await schemaViolations([Array(byVersion.stdout.utf8)], schema: "cli/backtest", directory: directory) == "")
        let registered = try Self.decode(Backtest.self, byVersion.stdout)
        #expect(registered.candidate == version && registered.candidateSource == "registry")
        #expect(registered.candidateModelVersion == version)
        #expect(registered.recordModelVersions == [defaultDecisions.modelVersion])
        #expect(registered.comparison.bothSides > 0 && registered.comparison.labelled > 0)
        let byDirectory = try await runCLI(
            ["backtest", "--config", config, "--candidate", model, "--format", "json"] + state, directory: directory,
            name: "backtest-directory")
        #expect(byDirectory.status == 0, "\(byDirectory.stderr)")
        let fromDirectory = try Self.decode(Backtest.self, byDirectory.stdout)
        #expect(fromDirectory.candidateSource == "directory" && fromDirectory.candidateModelVersion == version)
        #expect(fromDirectory.logEvents == registered.logEvents)
        #expect(fromDirectory.comparison == registered.comparison)
        let unknown = try await runCLI(
            ["backtest", "--config", config, "--candidate", "0123456789abcdef"] + state, directory: directory, name: "backtest-unknown")
        #expect(unknown.status == 3 && unknown.stdout.isEmpty, "\(unknown.stdout)")
        #expect(
            unknown.stderr.hasPrefix("leadledger: error: unknown_model_version (0123456789abcdef): ")
                && unknown.stderr.split(separator: "\n").count == 1, "\(unknown.stderr)")
        phases.mark("backtest of registered \(version): \(registered.comparison.tierChanged) leads change tier")

        // Promote is judged on the candidate's held-out split, rebuilt from the log range its
        // manifest records: the figures `train` printed for that split (`check holdout`, the
        // configured model being the active one) come back. A copy of the trained model with
        // every coefficient negated ranks the same held-out leads the other way round: it does
        // worse than the active model and is refused with both figures, unless forced. Then
        // the trained model beats it on its own split and is promoted.
        let lines = train.stdout.split(separator: "\n").map(String.init)
        let check = try #require(lines.first { $0.hasPrefix("check holdout: ") }, "\(train.stdout)")
        func figure(_ marker: String) -> String? {
            check.range(of: marker).map { String(check[$0.upperBound...].prefix { $0 != "," }) }
        }
        let trainedAUC = try #require(figure("candidate AUC "), "\(check)")
        let configuredAUC = try #require(figure("active AUC "), "\(check)")
        let split = try #require(lines.first { $0.hasPrefix("split: ") }, "\(train.stdout)")
        let heldOut = try #require(split.range(of: "holdout ").map { String(split[$0.upperBound...]) }, "\(split)")
        let flipped = directory + "/flipped"
        try FileManager.default.copyItem(atPath: model, toPath: flipped)
        let lr = URL(fileURLWithPath: flipped + "/lr.json")
        var artifact = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: lr)) as? [String: Any])
        let coefficients = try #require(artifact["coefficients"] as? [Double])
        artifact["coefficients"] = coefficients.map { -$0 }
        try JSONSerialization.data(withJSONObject: artifact).write(to: lr)
        func models(_ arguments: [String], _ name: String) async throws -> (status: Int32, stdout: String, stderr: String) {
            try await runCLI(["models"] + arguments + ["--config", config] + state, directory: directory, name: name)
        }
        let flippedRegistered = try await models(["register", flipped], "register-flipped")
        #expect(flippedRegistered.status == 0, "\(flippedRegistered.stderr)")
        let worse = String(flippedRegistered.stdout.split(separator: "\n").last ?? "")
        let control = ["--actor", "ana", "--reason", "retrain"]
        let refused = try await models(["promote", worse] + control, "promote-worse")
        #expect(refused.status == 1 && refused.stdout.isEmpty, "\(refused.stdout)\(refused.stderr)")
        #expect(refused.stderr.hasPrefix("leadledger: refused: promote_refused (\(worse)): held-out AUC "), "\(refused.stderr)")
        #expect(
            refused.stderr.contains(
                ", \(configuredAUC) for the active model \(defaultDecisions.modelVersion), on the same \(heldOut) held-out leads of \(worse)'s split"
            ), "\(refused.stderr) (train: \(check))")
        let forced = try await models(["promote", worse, "--force"] + control, "promote-forced")
        #expect(forced.status == 0 && forced.stdout.contains("model.promote \(worse) written"), "\(forced.stdout)\(forced.stderr)")
        let promoted = try await models(["promote", version] + control, "promote-trained")
        #expect(promoted.status == 0, "\(promoted.stdout)\(promoted.stderr)")
        #expect(
            promoted.stdout.contains("judged on held-out AUC \(trainedAUC) for \(version), ")
                && promoted.stdout.contains("for the active model \(worse), on the same \(heldOut) held-out leads"),
            "\(promoted.stdout) (train: \(check))")
        let listed = try await models(["list", "--format", "json"], "list")
        #expect(listed.stdout.contains(#""active":"\#(version)""#), "\(listed.stdout)")
        phases.mark("promote judged on the held-out split: \(refused.stderr.prefix(300))")
    }
}
