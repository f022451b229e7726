import Foundation
import LeadLedgerCore
import Testing

@testable import LeadLedgerDecisions

/// The Decider with a `kind: ensemble` scoring configuration (SPEC §4: "an
/// ensemble combines the components"): a YAML points model, a logistic
/// regression trained in Swift, an XGBoost model trained by the library and a
/// raw account signal, combined by a Platt-calibrated `leadledger.ensemble`
/// artifact, all loaded from files the way `leadledger run` loads them.
@Suite("Decider with an ensemble (rules + logistic regression + XGBoost + account signal)")
struct DeciderEnsembleTests {
    static let rulesYAML = """
        name: fit
        groups:
          - name: seniority
            cap: 25
            rules:
              - {feature: seniority_rank, op: ">=", value: 3, points: 15}
              - {feature: seniority_rank, op: ">=", value: 5, points: 15}
          - name: hygiene
            floor: -20
            rules:
              - {feature: free_mail, op: "==", value: 1, points: -10}
              - {feature: email_bounced, op: "==", value: 1, points: -15}
          - name: intent
            cap: 30
            decay: {half_life_days: 7, age_feature: days_since_engaged}
            rules:
              - {feature: intent_pricing, op: ">", value: 0, points: 12}
              - {feature: intent_demo, op: ">", value: 0, points: 20}
              - {feature: intent_careers, op: ">", value: 0, points: -8}
        """

    static let weights = (fit: 0.04, propensity: 0.6, behaviour: 0.5, account: 0.15)
    static let bias = -0.4

    static func scoringYAML(
        components: String = """
              fit: {kind: rules, artifact: fit-rules.yaml}
              propensity: {kind: logistic_regression, artifact: lr.json}
              behaviour: {kind: xgboost, artifact: xgb.json}
              account: {kind: feature, feature: account_engaged_contacts}
        """, explanation: String = "path"
    ) -> String {
        DecisionFixtures.scoringYAML
            .replacingOccurrences(
                of: "model: {kind: logistic_regression, artifact: lr.json}",
                with: """
                    model:
                      kind: ensemble
                      artifact: ensemble.json
                      components:
                    \(components)
                    """) + "\ntree_explanation: \(explanation)\n"
    }

    /// Writes the configuration directory: scoring.yaml, routing.yaml, the rule
    /// file, the logistic regression, the XGBoost model and the ensemble artifact.
    struct Files {
        let directory: URL
        var scoring: URL { directory.appendingPathComponent("scoring.yaml") }
        var routing: URL { directory.appendingPathComponent("routing.yaml") }
        var ensemble: URL { directory.appendingPathComponent("ensemble.json") }
        let rules: RuleModel
        let logistic: LogisticRegression
        let platt: (a: Double, b: Double)

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("leadledger-ensemble-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let schema = try ScoringConfiguration.load(yaml: Data(DecisionFixtures.scoringYAML.utf8), source: "scoring.yaml")
                .featureSchema()
            let xgb = try #require(try DeciderTreeModelTests.models.get()["xgb.json"])
            rules = try RuleModel.load(yaml: Self.rulesYAMLData, source: "fit-rules.yaml", schema: schema)
            // A logistic regression trained in process on seeded synthetic rows of the catalogue.
            var rng = SplitMix64(seed: 77)
            var rows: [Double] = []
            var labels: [Double] = []
            let at = { (name: String) in schema.index(of: name)! }
            for _ in 0..<3000 {
                var r = [Double](repeating: 0, count: schema.count)
                for j in 0..<r.count { r[j] = rng.unit() < 0.3 ? Double(rng.below(4)) : 0 }
                let z =
                    -1.5 + 0.7 * r[at("seniority_rank")] + 0.9 * r[at("intent_demo")] + 0.5 * r[at("page_views_decayed")]
                    - 1.2 * r[at("intent_careers")] + (rng.unit() - 0.5)
                rows += r
                labels.append(rng.unit() < 1 / (1 + exp(-z)) ? 1 : 0)
            }
            let data = try Dataset(schema: schema, rows: rows, labels: labels)
            logistic = try LogisticRegression.train(data, range: "synthetic seed 77")
            let trees = try TreeEnsemble.loadXGBoost(json: xgb, source: "xgb.json", schema: schema)
            let w = DeciderEnsembleTests.weights
            let ensemble = try Ensemble(
                schema: schema,
                components: [
                    EnsembleComponent(name: "fit", model: .rules(rules), weight: w.fit, modelVersion: rules.version.sha256),
                    EnsembleComponent(
                        name: "propensity", model: .logistic(logistic), weight: w.propensity, modelVersion: try logistic.version().sha256),
                    EnsembleComponent(name: "behaviour", model: .trees(trees), weight: w.behaviour, modelVersion: trees.version.sha256),
                    EnsembleComponent(
                        name: "account", model: .feature("account_engaged_contacts"), weight: w.account,
                        modelVersion: "account_engaged_contacts"),
                ], bias: DeciderEnsembleTests.bias, topK: 4, treeExplanation: .pathAttribution
            ).calibrated(method: .platt, on: data)
            guard case .platt(let a, let b) = ensemble.calibration else { throw FixtureError(message: "Platt calibration expected") }
            platt = (a, b)
            try Self.rulesYAMLData.write(to: directory.appendingPathComponent("fit-rules.yaml"))
            try logistic.artifactData().write(to: directory.appendingPathComponent("lr.json"))
            try xgb.write(to: directory.appendingPathComponent("xgb.json"))
            try ensemble.artifactData().write(to: directory.appendingPathComponent("ensemble.json"))
            try Data(DeciderEnsembleTests.scoringYAML().utf8).write(to: scoring)
            try Data(DecisionFixtures.routingYAML.utf8).write(to: routing)
        }

        static var rulesYAMLData: Data { Data(DeciderEnsembleTests.rulesYAML.utf8) }

        func load() throws -> DecisionConfiguration {
            try DecisionConfiguration.load(scoringConfig: scoring, routingRules: routing)
        }

        func remove() { try? FileManager.default.removeItem(at: directory) }
    }

    @Test("every audit margin is bias + Σ weight × component output, calibrated by the artifact's Platt map; contributions add up")
    func auditCombinesComponents() throws {
        let files = try Files()
        defer { files.remove() }
        let config = try files.load()
        let names = config.extractor.schema.names
        let (decided, rows) = try DeciderTreeModelTests.decidedRecords(config)
        // The XGBoost margins come from the library itself (Python), the other components from their own models.
        let xgb = try DeciderTreeModelTests.reference(
            kind: "xgb", model: try Data(contentsOf: files.directory.appendingPathComponent("xgb.json")),
            rows: rows, saabas: true)
        let w = Self.weights
        let account = try #require(names.firstIndex(of: "account_engaged_contacts"))
        var rulePoints = Set<Double>()
        var accountValues = Set<Double>()
        for (i, a) in decided.enumerated() {
            let x = rows[i].map { $0 ?? .nan }
            let points = x.withUnsafeBufferPointer { files.rules.score($0) }
            let lr = x.withUnsafeBufferPointer { files.logistic.margin($0) }
            let signal = x[account].isNaN ? 0 : x[account]
            let expected = Self.bias + w.fit * points + w.propensity * lr + w.behaviour * xgb.margin[i] + w.account * signal
            let margin = try #require(a["margin"] as? Double)
            // XGBoost sums in Float32, and the features and margin are written with 6 decimals.
            #expect(abs(margin - expected) <= 5e-5, "record \(i): margin \(margin), components give \(expected)")
            let p = 1 / (1 + exp(-(files.platt.a * margin + files.platt.b)))
            let probability = try #require(a["probability"] as? Double)
            #expect(abs(probability - p) <= 2e-6, "record \(i): probability \(probability) vs Platt \(p)")
            let score = try #require(a["score"] as? Int)
            #expect(abs(Double(score) - 100 * probability) <= 0.5 + 1e-4, "record \(i): score \(score) for probability \(probability)")
            let base = try #require(a["explanation_base"] as? Double)
            let contributions = try #require(a["contributions"] as? [String: Double])
            #expect(abs(base + contributions.values.reduce(0, +) - margin) <= 1e-4, "record \(i): base + Σ contributions ≠ margin")
            #expect(a["model_version"] as? String == config.modelVersion)
            rulePoints.insert(points)
            accountValues.insert(signal)
        }
        // Not vacuous: the rules give several totals and the account signal varies.
        #expect(rulePoints.count >= 3, "rule totals seen: \(rulePoints.sorted())")
        #expect(accountValues.count >= 2, "account signals seen: \(accountValues.sorted())")
    }

    @Test("an ensemble Decider replays byte-identically; editing any component file is another model version or a load error")
    func versionsAndReplay() throws {
        let files = try Files()
        defer { files.remove() }
        func run(_ config: DecisionConfiguration) throws -> [UInt8] {
            var r = Replay()
            r.run(try DeciderTreeModelTests.scenario().log[...], decider: Decider(config))
            return r.allBytes
        }
        let config = try files.load()
        #expect(try run(config) == run(try files.load()))
        // The same model with a trailing newline in the rule file: another rule version, which the artifact refuses.
        let rulesURL = files.directory.appendingPathComponent("fit-rules.yaml")
        try (Files.rulesYAMLData + Data("\n".utf8)).write(to: rulesURL)
        let edited = #expect(throws: DecisionsError.self) { try files.load() }
        #expect(edited?.file == files.ensemble.path && edited?.field == "components[0].model_version", "\(String(describing: edited))")
        try Files.rulesYAMLData.write(to: rulesURL)
        // The scoring configuration's bytes are part of the model version (a comment is enough).
        try Data((Self.scoringYAML() + "# retuned\n").utf8).write(to: files.scoring)
        #expect(try files.load().modelVersion != config.modelVersion)
    }

    @Test("a bad ensemble configuration fails at load, naming the file, line and field")
    func badConfigurations() throws {
        let files = try Files()
        defer { files.remove() }
        func failure(_ scoring: String) throws -> DecisionsError? {
            try Data(scoring.utf8).write(to: files.scoring)
            return #expect(throws: DecisionsError.self) { try files.load() }
        }
        // A component the artifact combines is missing from the configuration.
        let missing = try failure(
            Self.scoringYAML(
                components: """
                          fit: {kind: rules, artifact: fit-rules.yaml}
                          propensity: {kind: logistic_regression, artifact: lr.json}
                          account: {kind: feature, feature: account_engaged_contacts}
                    """))
        #expect(missing?.file == files.ensemble.path && missing?.message.contains("behaviour") == true, "\(String(describing: missing))")
        // A configured component the artifact does not combine.
        let extra = try failure(
            Self.scoringYAML(
                components: """
                          fit: {kind: rules, artifact: fit-rules.yaml}
                          propensity: {kind: logistic_regression, artifact: lr.json}
                          behaviour: {kind: xgboost, artifact: xgb.json}
                          account: {kind: feature, feature: account_engaged_contacts}
                          spare: {kind: feature, feature: intent_docs}
                    """))
        #expect(extra?.file == files.scoring.path && extra?.field == "model.components.spare", "\(String(describing: extra))")
        // A component given as another kind than the artifact recorded.
        let kind = try failure(
            Self.scoringYAML(
                components: """
                          fit: {kind: rules, artifact: fit-rules.yaml}
                          propensity: {kind: logistic_regression, artifact: lr.json}
                          behaviour: {kind: lightgbm, artifact: xgb.json}
                          account: {kind: feature, feature: account_engaged_contacts}
                    """))
        #expect(kind?.file?.hasSuffix("xgb.json") == true, "\(String(describing: kind))")
        // Unknown kind, unknown feature, missing artifact: the scoring file's line and field.
        let unknown = try failure(Self.scoringYAML(components: "      fit: {kind: points, artifact: fit-rules.yaml}"))
        #expect(
            unknown?.file == files.scoring.path && unknown?.field == "model.components.fit.kind" && unknown?.line != nil,
            "\(String(describing: unknown))")
        let feature = try failure(Self.scoringYAML(components: "      account: {kind: feature, feature: no_such_feature}"))
        #expect(feature?.field == "model.components.account.feature" && feature?.line != nil, "\(String(describing: feature))")
        let noFile = try failure(Self.scoringYAML(components: "      fit: {kind: rules}"))
        #expect(noFile?.field == "model.components.fit.artifact", "\(String(describing: noFile))")
        // The tree explanation the artifact was built with.
        let explanation = try failure(Self.scoringYAML(explanation: "treeshap"))
        #expect(explanation?.field == "tree_explanation", "\(String(describing: explanation))")
        // Components belong to ensembles only.
        let single = try failure(
            DecisionFixtures.scoringYAML.replacingOccurrences(
                of: "model: {kind: logistic_regression, artifact: lr.json}",
                with: "model: {kind: logistic_regression, artifact: lr.json, components: {fit: {kind: rules, artifact: fit-rules.yaml}}}"))
        #expect(single?.field == "model.components", "\(String(describing: single))")
    }
}
