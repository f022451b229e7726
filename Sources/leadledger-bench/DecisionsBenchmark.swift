import ArgumentParser
import Foundation
import LeadLedgerCore
import LeadLedgerDecisions

/// Scoring throughput of the full decisions ensemble, single thread:
/// rule model + logistic regression + a 100-tree depth-6 gradient-boosted tree
/// model (XGBoost JSON format) + Platt calibration + explanations (component
/// contributions, feature contributions, top-5), once per tree explanation
/// method: exact TreeSHAP from precomputed tables (the default), exact recursive
/// TreeSHAP, and path attribution; plus score-only and tree-only references.
///
/// Everything is built deterministically from `--seed`: the tree model is
/// written as an XGBoost JSON document and loaded through the real loader (or
/// taken from `--xgboost-model`), the logistic regression is trained in process.
struct DecisionsBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decisions",
        abstract: "Scoring throughput of the decisions ensemble (decisions/s, single thread)."
    )

    @Option(help: "Decisions per measured run.") var decisions: Int = 200_000
    @Option(help: "Measured runs (the best and the median are reported).") var runs: Int = 5
    @Option(help: "Maximum seconds per measured run (a run stops early after this).") var maxSeconds: Double = 2
    @Option(help: "Trees in the synthetic model.") var trees: Int = 100
    @Option(help: "Depth of the synthetic trees.") var depth: Int = 6
    @Option(help: "Seed for every synthetic input.") var seed: UInt64 = 20_261_125
    @Option(help: "Use this XGBoost JSON model (features f0..fN by position) instead of the synthetic one.")
    var xgboostModel: String?

    static let features = [
        "title_seniority", "employees_log", "industry_code", "is_free_mail", "page_views_30d",
        "days_since_last_engagement", "pricing_page_visits", "demo_requests", "email_clicks_30d",
        "engaged_contacts", "open_opportunities", "account_score",
    ]

    static let rules = """
        name: bench-fit
        levels:
          title_seniority: {individual: 0, manager: 1, director: 2, vp: 3, c_level: 4}
        groups:
          - name: seniority
            cap: 25
            rules:
              - {feature: title_seniority, op: ">=", value: director, points: 20}
              - {feature: title_seniority, op: equals, value: c_level, points: 10}
          - name: firmographics
            floor: -10
            rules:
              - {feature: industry_code, in: [3, 7, 11], points: 8}
              - {feature: employees_log, between: [5, 9], points: 12}
              - {feature: is_free_mail, op: "==", value: 1, points: -25}
          - name: engagement
            cap: 40
            decay: {half_life_days: 14, age_feature: days_since_last_engagement}
            rules:
              - {feature: page_views_30d, op: ">=", value: 5, points: 10}
              - {feature: email_clicks_30d, op: ">=", value: 2, points: 10}
              - {feature: pricing_page_visits, op: ">", value: 0, points: 15}
              - {feature: demo_requests, op: ">", value: 0, points: 30}
        """

    func run() throws {
        var rng = SplitMix64(seed: seed)
        let schema = try FeatureSchema(Self.features)
        let d = schema.count
        let rowCount = 4096
        var rows = [Double](repeating: 0, count: rowCount * d)
        var labels = [Double](repeating: 0, count: rowCount)
        for i in 0..<rowCount {
            var r = Self.syntheticRow(&rng)
            var z = -2.0 + 0.6 * r[0] + 0.3 * r[4] + 0.8 * r[7] + 0.4 * r[9] - 1.5 * r[3] + 0.02 * r[11]
            z -= 0.05 * r[5]
            labels[i] = rng.unit() < 1 / (1 + exp(-z)) ? 1 : 0
            for j in 0..<d where rng.unit() < 0.05 { r[j] = .nan }
            for j in 0..<d { rows[i * d + j] = r[j] }
        }
        let data = try Dataset(schema: schema, rows: rows, labels: labels)

        let ruleModel = try RuleModel.load(yaml: Self.rules, source: "bench-fit.yaml", schema: schema)
        let (train, holdout) = try data.split(holdoutFraction: 0.25)
        let logistic = try LogisticRegression.train(train, holdout: holdout, options: .init(c: 1), range: "synthetic seed \(seed)")
        let treeJSON: Data
        let mapping: TreeEnsemble.FeatureMapping
        if let path = xgboostModel {
            treeJSON = try Data(contentsOf: URL(fileURLWithPath: path))
            mapping = .byPosition
        } else {
            treeJSON = try SyntheticXGBoost.model(trees: trees, depth: depth, schema: schema, sample: train, rng: &rng)
            mapping = .byName
        }
        let forest = try TreeEnsemble.loadXGBoost(
            json: treeJSON, source: xgboostModel ?? "synthetic.json", schema: schema, mapping: mapping)
        let components = [
            EnsembleComponent(name: "fit", model: .rules(ruleModel), weight: 0.03, modelVersion: ruleModel.version.sha256),
            EnsembleComponent(name: "propensity_lr", model: .logistic(logistic), weight: 0.5, modelVersion: try logistic.version().sha256),
            EnsembleComponent(name: "propensity_gbt", model: .trees(forest), weight: 0.5, modelVersion: forest.version.sha256),
            EnsembleComponent(name: "account", model: .feature("account_score"), weight: 0.01, modelVersion: "account_score"),
        ]
        let clock = ContinuousClock()
        let buildStart = clock.now
        let ensemble = try Ensemble(schema: schema, components: components, bias: -1, topK: 5, treeExplanation: .treeSHAPTable)
            .calibrated(method: .platt, on: holdout)
        let tableSeconds = (clock.now - buildStart)
        let exactEnsemble = try Ensemble(schema: schema, components: components, bias: -1, topK: 5, treeExplanation: .treeSHAP)
            .calibrated(method: .platt, on: holdout)
        let pathEnsemble = try Ensemble(schema: schema, components: components, bias: -1, topK: 5, treeExplanation: .pathAttribution)
            .calibrated(method: .platt, on: holdout)
        let table = TreeSHAPTable(forest)

        print(
            "decisions benchmark: \(forest.treeCount) trees (max depth \(forest.maxDepth), \(forest.nodeCount) nodes), "
                + "\(ruleModel.ruleCount) rules, logistic regression on \(d) features, Platt calibration, top-\(ensemble.topK) explanations"
        )
        print(
            "single thread, up to \(decisions) decisions (or \(maxSeconds) s) per run over \(rowCount) distinct rows (5% missing values), \(runs) runs"
        )
        print(
            "SHAP tables: \(table.hasTable.filter { $0 }.count) of \(forest.treeCount) trees, \(table.entryCount) doubles (\(table.entryCount * 8 / 1_048_576) MiB), built with the ensemble in \(tableSeconds)"
        )

        func full(_ e: Ensemble) -> (Int) -> Double {
            var scorer = EnsembleScorer(e)
            return { i in
                let o = i % rowCount * d
                return rows.withUnsafeBufferPointer { buf in
                    let r = scorer.evaluate(UnsafeBufferPointer(rebasing: buf[o..<(o + d)]))
                    return r.probability + Double(scorer.topFeatureIndices.first ?? 0)
                }
            }
        }
        let fullTable = try measure("full ensemble + exact TreeSHAP (tables), top-5", full(ensemble))
        let fullExact = try measure("full ensemble + exact TreeSHAP (recursive), top-5", full(exactEnsemble))
        let fullPath = try measure("full ensemble + path attribution (Saabas), top-5", full(pathEnsemble))
        let plain = try measure("full ensemble, score only (no explanations)") { i in
            let o = i % rowCount * d
            return rows.withUnsafeBufferPointer { buf in ensemble.probability(UnsafeBufferPointer(rebasing: buf[o..<(o + d)])) }
        }
        var ws = TreeSHAPWorkspace(for: forest)
        var phi = [Double](repeating: 0, count: d)
        let tableOnly = try measure("tree model alone: TreeSHAP (tables)") { i in
            let o = i % rowCount * d
            return rows.withUnsafeBufferPointer { buf in
                phi.withUnsafeMutableBufferPointer { table.shap(UnsafeBufferPointer(rebasing: buf[o..<(o + d)]), into: $0, workspace: &ws) }
            }
        }
        let marginOnly = try measure("tree model alone: margin") { i in
            let o = i % rowCount * d
            return rows.withUnsafeBufferPointer { buf in forest.margin(UnsafeBufferPointer(rebasing: buf[o..<(o + d)])) }
        }
        print(
            String(
                format: "summary decisions per CPU-second (best run): full+TreeSHAP(tables) %.0f, full+TreeSHAP(recursive) %.0f, "
                    + "full+path %.0f, score-only %.0f, treeshap-tables-only %.0f, tree-margin-only %.0f; target 200000",
                fullTable, fullExact, fullPath, plain, tableOnly, marginOnly))
    }

    /// Runs `body` `decisions` times per run (or for `maxSeconds`); prints wall-clock
    /// and thread-CPU rates and returns the best decisions per CPU-second.
    func measure(_ label: String, _ body: (Int) -> Double) throws -> Double {
        var checksum = 0.0
        let clock = ContinuousClock()
        let warmStart = clock.now
        for i in 0..<min(decisions, 20_000) {  // warm-up, at most ~maxSeconds
            checksum += body(i)
            if i % 1000 == 999, (clock.now - warmStart) > .seconds(maxSeconds) { break }
        }
        var rates: [Double] = []
        var cpuRates: [Double] = []
        for _ in 0..<runs {
            // A run ends after `decisions` decisions or after `maxSeconds`, whichever is first
            // (checked every 1000 decisions), so slow variants do not take minutes.
            let start = clock.now
            let cpuStart = Self.threadCPUSeconds()
            var done = 0
            var seconds = 0.0
            while done < decisions {
                let chunk = min(1000, decisions - done)
                for i in done..<(done + chunk) { checksum += body(i) }
                done += chunk
                let elapsed = clock.now - start
                seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
                if seconds >= maxSeconds { break }
            }
            rates.append(Double(done) / seconds)
            cpuRates.append(Double(done) / (Self.threadCPUSeconds() - cpuStart))
        }
        rates.sort()
        cpuRates.sort()
        let best = rates.last!
        let median = rates[rates.count / 2]
        let cpuBest = cpuRates.last!
        let padded = label.padding(toLength: 52, withPad: " ", startingAt: 0)
        print(
            padded
                + String(
                    format: " wall: best %9.0f/s median %9.0f/s | per CPU-second: best %9.0f/s (%.2f µs)  [checksum %.6g]",
                    best, median, cpuBest, 1e6 / cpuBest, checksum))
        return cpuBest
    }

    /// CPU time of the calling thread, so a busy machine (other builds sharing the
    /// cores) slows the wall-clock figure but not this one.
    static func threadCPUSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    static func syntheticRow(_ rng: inout SplitMix64) -> [Double] {
        [
            Double(rng.below(5)),  // title_seniority 0...4
            4 + 6 * rng.unit(),  // employees_log
            Double(rng.below(15)),  // industry_code
            rng.unit() < 0.2 ? 1 : 0,  // is_free_mail
            Double(rng.below(30)),  // page_views_30d
            90 * rng.unit(),  // days_since_last_engagement
            Double(rng.below(4)),  // pricing_page_visits
            rng.unit() < 0.1 ? 1 : 0,  // demo_requests
            Double(rng.below(6)),  // email_clicks_30d
            Double(rng.below(10)),  // engaged_contacts
            Double(rng.below(3)),  // open_opportunities
            100 * rng.unit(),  // account_score
        ]
    }
}
