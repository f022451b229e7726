import ArgumentParser
import Foundation
import LeadLedgerCore
import LeadLedgerDecisions
import LeadLedgerEngine

/// `leadledger train`: fit the propensity model (and optionally the stacked
/// ensemble) from the outcomes in the canonical log.
struct TrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Fit the propensity model from the canonical log's own outcomes (lead.converted / lead.disqualified).",
        discussion: """
            Reads the canonical log (every partition, or --partition) from offset 0 to
            its end, applies it as the materialize stage does, and takes each lead's
            feature row just before its first outcome (point in time: the outcome and
            anything after it never reach the row). The features are those of the
            scoring configuration (--scoring-config / scoring_file). An L2 logistic
            regression is fitted on a seeded stratified 70/30 split; the held-out AUC,
            precision@20% and ECE are printed, one line each, the last line `AUC <value>`.
            With --ensemble, the points model --rules is stacked with the regression
            and Platt-calibrated (figures of each component and of the ensemble).
            --out DIR writes a directory `leadledger run --scoring-config DIR/scoring.yaml`
            loads: scoring.yaml (the input configuration, its model section replaced),
            lr.json, and with --ensemble ensemble.json and fit-rules.yaml (the --rules file).
            Too few examples of a class is a refusal: exit status 1.

            --out writes only a model that passes three checks, each printed as a
            `check NAME: passed|FAILED` line with what it measured:
              holdout       on the held-out split, the candidate's AUC beats the active
                            configuration's (--scoring-config) by more than
                            --min-auc-gain, and its ECE is not worse by more than
                            --ece-margin;
              scenarios     every named B2B scenario passes (docs/scoring.md);
              monotonicity  a seeded sample of events finds no positive event that
                            lowers a score and no negative one that raises it.
            When one fails, nothing is written, `train: refused: …` says which, and
            the exit status is 1. --force writes it anyway and says so on stderr.

            Examples:
              leadledger train --config leadledger.yaml --out model/
              leadledger train --config leadledger.yaml --ensemble \\
                --rules config/ensemble/fit-rules.yaml --out model/
            """
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var engine: EngineOptions

    @Option(help: "Only this canonical-log partition (default: all).")
    var partition: Int32?

    @Option(help: "Write scoring.yaml, lr.json (and with --ensemble ensemble.json, fit-rules.yaml) into this directory.")
    var out: String?

    @Flag(help: "Stack the points model --rules with the regression into a Platt-calibrated ensemble.")
    var ensemble = false

    @Option(help: "Points model (rules YAML over the scoring configuration's features) for --ensemble.")
    var rules: String?

    @Option(
        help:
            "Also label leads with no outcome and no event for this many days before the log's last event as not converted (default: off).")
    var negativeAfterDays: Double?

    @Option(help: "Seed of the stratified 70/30 split.")
    var seed: UInt64 = 0

    @Option(help: "L2 inverse regularization strength C.")
    var c: Double = 1.0

    @Option(help: "Refuse to train with fewer examples than this of either class.")
    var minimumPerClass: Int = 10

    @Flag(
        help:
            "Bound the regression by the feature catalogue's declared directions (positive features get coefficients >= 0, negative ones <= 0; a projected Newton fit, not a clip afterwards) and print the features held at their bound."
    )
    var monotone = false

    @Option(
        help:
            "A directions file for a data set with other semantics (default: free|declared, features: name: positive|negative|free; docs/scoring.md): the fit is bounded by it instead of the catalogue's declarations. Implies --monotone."
    )
    var directions: String?

    @Flag(help: "With --out: write the model even when a check fails (each failure is still printed, with a warning).")
    var force = false

    @Option(help: "With --out: the candidate's held-out AUC must exceed the active configuration's by more than this.")
    var minAucGain: Double = 0

    @Option(help: "With --out: the candidate's held-out ECE may be worse than the active configuration's by at most this.")
    var eceMargin: Double = 0.02

    @Flag(help: "With --out: also register the model written (leadledger.models); the version is printed alone on the last line.")
    var register = false

    func validate() throws {
        if force && out == nil { throw ValidationError("--force is only used with --out") }
        if register && out == nil { throw ValidationError("--register needs --out DIR") }
        if !minAucGain.isFinite || !(eceMargin >= 0) || !eceMargin.isFinite {
            throw ValidationError("--min-auc-gain must be a number and --ece-margin a number >= 0")
        }
        if ensemble && rules == nil {
            throw ValidationError("--ensemble needs --rules FILE (the points model to stack with the regression)")
        }
        if !ensemble && rules != nil { throw ValidationError("--rules is only used with --ensemble") }
        if let days = negativeAfterDays, !(days > 0) { throw ValidationError("--negative-after-days must be positive") }
        if !(c > 0) { throw ValidationError("--c must be positive") }
        if minimumPerClass < 2 { throw ValidationError("--minimum-per-class must be at least 2") }
    }

    func run() async throws {
        let logger = connection.makeLogger("leadledger.train")
        let configuration = try engine.resolve(connection)
        let scoringData = try DecisionConfiguration.readFile(URL(fileURLWithPath: configuration.scoringFile))
        let scoring = try ScoringConfiguration.load(yaml: scoringData, source: configuration.scoringFile)
        let extractor = try FeatureExtractor(scoring)
        // The points model fails here, before the log is read.
        let rulesData = try rules.map { try DecisionConfiguration.readFile(URL(fileURLWithPath: $0)) }
        if let rulesData, let rules { _ = try RuleModel.load(yaml: rulesData, source: rules, schema: extractor.schema) }

        let topic = configuration.topics.events
        let logPartitions: [Int32]
        if let partition {
            logPartitions = [partition]
        } else {
            logPartitions = try await partitions(of: topic, configuration: configuration, logger: logger)
        }
        let reader = LogReader(client: configuration.client("leadledger-train"), logger: logger)
        var builders: [OutcomeExampleBuilder] = []
        var undecodable = 0
        for p in logPartitions {
            let (builder, skipped) = try await reader.outcomeExamples(topic: topic, partition: p, extractor: extractor)
            builders.append(builder)
            undecodable += skipped
        }
        let set = try OutcomeTraining.trainingSet(
            builders, topic: topic, schema: extractor.schema,
            options: .init(seed: seed, negativeAfterDays: negativeAfterDays, minimumPerClass: minimumPerClass))
        let s = set.statistics
        let noOutcome = set.examples.lazy.filter { $0.source == .noOutcome }.count
        print(
            "train: \(topic) partitions \(logPartitions.map(String.init).joined(separator: ",")): \(s.events) log events (\(s.repeats) repeats, \(undecodable) undecodable), "
                + "\(s.outcomes) outcomes → \(set.examples.count) examples, \(set.positives) converted"
                + (negativeAfterDays == nil ? "" : " (\(noOutcome) no-outcome negatives)")
                + "; ignored: \(s.laterOutcomes) later outcomes, \(s.outcomesOfUnknownLeads) of unseen leads, \(s.erasedExamples) erased")
        print("split: stratified 70/30, seed \(seed): train \(set.train.count), holdout \(set.holdout.count)")
        let signs: [FeatureDirection]?
        if let directions {
            let file = try FeatureDirections.load(
                yaml: try DecisionConfiguration.readFile(URL(fileURLWithPath: directions)), source: directions)
            signs = try file.signs(for: extractor.definitions, source: directions)
        } else {
            signs = monotone ? extractor.definitions.map(\.direction) : nil
        }
        let fit = try OutcomeTraining.fit(set, c: c, signs: signs)
        print(
            "model: L2 logistic regression (C = \(c)), \(extractor.schema.count) features, \(fit.model.training.iterations) Newton iterations, converged \(fit.model.training.converged)"
        )
        if let signs {
            let held = extractor.schema.names.indices.filter { signs[$0] != .free && fit.model.coefficients[$0] == 0 }.map {
                extractor.schema.names[$0]
            }
            print(
                "monotone: coefficients bounded by \(directions.map { "the directions in \($0)" } ?? "the declared directions"); at their bound (0): "
                    + (held.isEmpty ? "none" : held.joined(separator: ", ")))
        }
        print(
            String(
                format: "logistic regression holdout: AUC %.4f, precision@20%% %.4f, ECE %.4f", fit.figures.auc,
                fit.figures.precisionAtTop20, fit.figures.ece))
        var stacked: StackedEnsemble.Report?
        if let rulesData, let rules {
            let e = try OutcomeTraining.ensemble(set, fit: fit, rulesYAML: rulesData, rulesSource: rules, scoring: scoring, signs: signs)
            print(
                String(
                    format: "points model holdout: AUC %.4f, precision@20%% %.4f (%d rules)", e.rulesAUC, e.rulesPrecisionAtTop20,
                    e.rules.ruleCount))
            print(
                "ensemble: stacked weights "
                    + e.ensemble.components.map { "\($0.name) \(String(format: "%+.4f", $0.weight))" }.joined(separator: ", ")
                    + String(format: ", bias %+.4f; Platt calibration", e.ensemble.bias))
            print(String(format: "ensemble holdout: AUC %.4f, precision@20%% %.4f, ECE %.4f", e.auc, e.precisionAtTop20, e.ece))
            stacked = e
        }
        if let out {
            let staging = FileManager.default.temporaryDirectory.appendingPathComponent(
                "leadledger-train-\(UInt32.random(in: 0...UInt32.max))")
            defer { try? FileManager.default.removeItem(at: staging) }
            let files = try write(fit: fit, stacked: stacked, rulesData: rulesData, scoring: scoring, to: staging)
            let candidate = try DecisionConfiguration.load(
                scoringConfig: staging.appendingPathComponent("scoring.yaml"), routingRules: URL(fileURLWithPath: configuration.routingFile)
            )
            let active = try DecisionConfiguration.load(
                scoringConfig: URL(fileURLWithPath: configuration.scoringFile),
                routingRules: URL(fileURLWithPath: configuration.routingFile))
            let checks = try ModelAcceptance.evaluate(
                candidate: candidate, active: active, holdout: set.holdout,
                thresholds: .init(minimumAUCGain: minAucGain, eceMargin: eceMargin))
            for check in checks {
                print("check \(check.name): \(check.passed ? "passed" : "FAILED") — \(check.detail.joined(separator: "; "))")
            }
            let failed = checks.filter { !$0.passed }.map(\.name)
            if !failed.isEmpty && !force {
                FileHandle.standardError.write(
                    Data(
                        "train: refused: \(failed.joined(separator: ", ")) failed; nothing written to \(out) (--force writes it anyway)\n"
                            .utf8))
                throw ExitCode(ExitStatus.checkFailed)
            }
            if !failed.isEmpty {
                FileHandle.standardError.write(
                    Data("WARNING: --force: writing a model that FAILED \(failed.joined(separator: ", ")) to \(out)\n".utf8))
            }
            let dir = URL(fileURLWithPath: out)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            for name in files {
                let target = dir.appendingPathComponent(name)
                if FileManager.default.fileExists(atPath: target.path) { try FileManager.default.removeItem(at: target) }
                try FileManager.default.copyItem(at: staging.appendingPathComponent(name), to: target)
            }
            print("wrote \(dir.path)/" + files.joined(separator: ", "))
        }
        // The figures of the model written: the ensemble's with --ensemble, else the regression's.
        let figures: (auc: Double, precision: Double, ece: Double) =
            stacked.map { ($0.auc, $0.precisionAtTop20, $0.ece) }
            ?? (fit.figures.auc, fit.figures.precisionAtTop20, fit.figures.ece)
        print(String(format: "precision@20%% %.4f", figures.precision))
        print(String(format: "ECE %.4f", figures.ece))
        print(String(format: "AUC %.4f", figures.auc))
        if register, let out {
            // The range read, so that `models promote` can rebuild the held-out split (TrainingRange).
            let range = TrainingRange(
                topic: topic, partitions: builders.map { TrainingRange.Partition(partition: $0.partition, end: $0.endOffset) },
                seed: seed, negativeAfterDays: negativeAfterDays)
            var trainingObject: JSONObject = [
                "log_topic": .string(topic), "log_partitions": .array(logPartitions.map { .int(Int($0)) }),
                "examples": .int(set.examples.count), "train": .int(set.train.count), "holdout": .int(set.holdout.count),
                "seed": .int(Int(truncatingIfNeeded: seed)),
            ]
            trainingObject.members += range.members
            let training: JSONValue = .object(trainingObject)
            let metrics: JSONValue = .object([
                "auc": .number(figures.auc), "precision_at_20": .number(figures.precision), "ece": .number(figures.ece),
            ])
            let dir = URL(fileURLWithPath: out)
            try Data(CanonicalJSON.encode(training, numbers: .roundTrip)).write(to: dir.appendingPathComponent("training.json"))
            try Data(CanonicalJSON.encode(metrics, numbers: .roundTrip)).write(to: dir.appendingPathComponent("metrics.json"))
            try await ensureTopics(configuration, logger: logger)
            let manifest = try await ModelsRegisterCommand.register(
                path: out, createdBy: "leadledger train", operations: ModelOperations(configuration: configuration, logger: logger))
            print("registered \(manifest.kind) model in \(configuration.topics.models)")
            print(manifest.modelVersion)
        }
    }

    /// Writes the candidate's files into `directory`; returns their names, scoring.yaml first.
    func write(
        fit: OutcomeTraining.Fit, stacked: StackedEnsemble.Report?, rulesData: Data?, scoring: ScoringConfiguration, to directory: URL
    ) throws -> [String] {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try fit.model.artifactData().write(to: directory.appendingPathComponent("lr.json"))
        if let e = stacked, let rulesData {
            try rulesData.write(to: directory.appendingPathComponent("fit-rules.yaml"))
            try e.ensemble.artifactData().write(to: directory.appendingPathComponent("ensemble.json"))
            try Data(scoring.yaml(model: .stackedEnsemble(artifact: "ensemble.json", rules: "fit-rules.yaml", logistic: "lr.json")).utf8)
                .write(to: directory.appendingPathComponent("scoring.yaml"))
            return ["scoring.yaml", "ensemble.json", "fit-rules.yaml", "lr.json"]
        }
        try Data(scoring.yaml(model: .logisticRegression(artifact: "lr.json")).utf8).write(
            to: directory.appendingPathComponent("scoring.yaml"))
        return ["scoring.yaml", "lr.json"]
    }
}
