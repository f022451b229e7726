import ArgumentParser
import Foundation
import LeadLedgerDecisions
import LeadLedgerEvaluation

/// Real-data evaluation on the X Education leads (`../shared/data/xeducation/Leads.csv`):
/// every CSV row becomes CRM, Segment and SendGrid messages, runs through the
/// domain core (decode → IdentityResolver → Ledger), gets its feature row from
/// the catalogue, and a logistic regression trained in Swift on a seeded
/// stratified 70/30 split is evaluated on the held-out 30 %. The leakage
/// columns are never read. The last line printed is `AUC <value>`.
struct XEducationBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "xeducation",
        abstract: "Evaluate lead scoring on the real X Education data (AUC, precision@20%, ECE on a stratified 30% holdout)."
    )

    @Option(help: "Path to Leads.csv (default: ../shared/data/xeducation/Leads.csv relative to the working directory).")
    var csv: String = "../shared/data/xeducation/Leads.csv"
    @Option(help: "Seed of the stratified split.") var seed: UInt64 = 0
    @Option(help: "L2 inverse regularization strength C.") var c: Double = 1.0
    @Option(help: "Write the scoring configuration (scoring.yaml) and model artifact (lr.json) into this directory.")
    var out: String?
    @Flag(
        help:
            "Also evaluate the ensemble: a hand-written points model (fit-rules.yaml) and the logistic regression, stacked and Platt-calibrated on the training rows; the last line is then the ensemble's AUC, and --out writes the ensemble configuration (scoring.yaml kind: ensemble, ensemble.json, fit-rules.yaml, lr.json)."
    )
    var ensemble = false
    @Option(
        help:
            "The data set's directions file: the fit is bounded by it (docs/scoring.md). Default: config/directions/xeducation.yaml (mostly free: X Education's events mean other things than a B2B lead's)."
    )
    var directions: String = "config/directions/xeducation.yaml"
    @Flag(help: "Fit without bounds (ignore the directions file).")
    var unbounded = false

    func run() throws {
        let url = URL(fileURLWithPath: csv)
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ValidationError("cannot read \(url.path): \(error.localizedDescription) (pass --csv PATH)")
        }
        let clock = ContinuousClock()
        let start = clock.now
        let bounds =
            try unbounded
            ? nil
            : (
                FeatureDirections.load(yaml: try DecisionConfiguration.readFile(URL(fileURLWithPath: directions)), source: directions),
                directions
            )
        let r = try XEducation.evaluate(csv: data, seed: seed, c: c, directions: bounds)
        let seconds = (clock.now - start) / .seconds(1)
        print(
            "xeducation: \(r.rows) rows → \(r.logEvents) canonical log events, \(r.features.count) features, in \(String(format: "%.2f", seconds)) s"
        )
        print("split: stratified 70/30, seed \(seed): train \(r.trainExamples), holdout \(r.holdoutExamples)")
        print(
            "model: L2 logistic regression (C = \(c)), \(r.model.training.iterations) Newton iterations, converged \(r.model.training.converged)"
        )
        if let signs = r.signs {
            let bounded = r.features.indices.filter { signs[$0] != .free }
            let held = bounded.filter { r.model.coefficients[$0] == 0 }.map { r.features[$0] }
            print(
                "directions: \(directions): \(bounded.count) of \(r.features.count) features bounded; at their bound (0): "
                    + (held.isEmpty ? "none" : held.joined(separator: ", ")))
        } else {
            print("directions: none (unbounded fit)")
        }
        let ranked = r.features.indices.sorted { abs(r.model.coefficients[$0]) > abs(r.model.coefficients[$1]) }.prefix(10)
        print(
            "largest standardized coefficients: "
                + ranked.map { "\(r.features[$0]) \(String(format: "%+.3f", r.model.coefficients[$0]))" }.joined(separator: ", "))
        print(String(format: "holdout: precision@20%% %.4f, ECE %.4f", r.precisionAtTop20, r.ece))
        let stacked = ensemble ? try XEducation.stackedEnsemble(r) : nil
        if let e = stacked {
            print(
                "ensemble: points model (\(e.rules.ruleCount) rules, holdout AUC alone \(String(format: "%.4f", e.rulesAUC))) + logistic regression; "
                    + "stacked weights "
                    + e.ensemble.components.map { "\($0.name) \(String(format: "%+.4f", $0.weight))" }.joined(separator: ", ")
                    + String(format: ", bias %+.4f; Platt calibration", e.ensemble.bias))
            print(
                String(
                    format: "ensemble holdout: AUC %.4f (logistic regression alone %.4f), precision@20%% %.4f, ECE %.4f", e.auc, r.auc,
                    e.precisionAtTop20, e.ece))
        }
        if let out {
            let dir = URL(fileURLWithPath: out)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try r.model.artifactData().write(to: dir.appendingPathComponent("lr.json"))
            if let e = stacked {
                try e.rulesYAML.write(to: dir.appendingPathComponent("fit-rules.yaml"), atomically: true, encoding: .utf8)
                try e.ensemble.artifactData().write(to: dir.appendingPathComponent("ensemble.json"))
                try XEducation.ensembleScoringYAML(r.scoringConfiguration).write(
                    to: dir.appendingPathComponent("scoring.yaml"), atomically: true, encoding: .utf8)
                print("wrote \(dir.path)/scoring.yaml (kind: ensemble), ensemble.json, fit-rules.yaml and lr.json")
            } else {
                try XEducation.scoringYAML(r.scoringConfiguration, artifact: "lr.json").write(
                    to: dir.appendingPathComponent("scoring.yaml"), atomically: true, encoding: .utf8)
                print("wrote \(dir.path)/scoring.yaml and lr.json")
            }
        }
        print(String(format: "AUC %.4f", stacked?.auc ?? r.auc))
    }
}
