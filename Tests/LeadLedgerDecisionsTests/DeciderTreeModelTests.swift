import Foundation
import LeadLedgerCore
import Testing

@testable import LeadLedgerDecisions

/// The Decider end to end with gradient-boosted trees as its propensity model:
/// XGBoost and LightGBM models trained by the real libraries over the feature
/// catalogue, loaded through the scoring configuration (`model.kind`), run over
/// an inbound scenario; every audit record's margin and contributions are then
/// explained again by the library itself from the record's own feature vector.
@Suite("Decider with tree models (XGBoost, LightGBM) end to end")
struct DeciderTreeModelTests {
    static let script = Fixtures.repositoryRoot.appendingPathComponent("Tests/LeadLedgerDecisionsTests/Scripts/decider_trees.py").path

    /// A few hundred events: three accounts with owners and sizes, leads of every
    /// seniority in several countries, identified web visitors with pricing, demo,
    /// docs and careers pages, email opens and clicks, CRM activity and a bounce.
    static func scenario() throws -> DecisionHarness {
        var h = DecisionHarness()
        let titles = ["CEO", "VP Marketing", "Director of IT", "IT Manager", "Software Engineer", "Marketing Intern", "", "Head of Sales"]
        let countries = ["US", "DE", "GB", "FR", "US", "BR"]
        let domains = ["acme.io", "globex.de", "initech.com", "gmail.com"]
        try h.feed(.crm, accountUpsert("acc-1", domain: "acme.io", owner: "owner_acme", employees: 8000, at: "2024-04-01T08:00:00Z"))
        try h.feed(.crm, accountUpsert("acc-2", domain: "globex.de", employees: 120, at: "2024-04-01T08:01:00Z"))
        try h.feed(.crm, accountUpsert("acc-3", domain: "initech.com", employees: 40, at: "2024-04-01T08:02:00Z"))
        var rng = SplitMix64(seed: 20_261_126)
        let pages = ["/pricing", "/demo", "/docs/api", "/careers", "/blog/post", "/case-studies/acme", "/contact"]
        for i in 0..<32 {
            let email = "p\(i)@\(domains[i % domains.count])"
            let title = titles[i % titles.count]
            let titleField = title.isEmpty ? "" : #","title":"\#(title)""#
            let hour = String(format: "%02d", 9 + i / 8)
            let minute = String(format: "%02d", (i % 8) * 7)
            try h.feed(
                .crm,
                crmLead(
                    "L\(i)", at: "2024-04-01T\(hour):\(minute):00Z",
                    #""email":"\#(email)","country":"\#(countries[i % countries.count])""# + titleField))
            try h.feed(.web, identify(user: "u\(i)", email: email, at: "2024-04-01T\(hour):\(minute):30Z", id: "id\(i)"))
            let views = rng.below(6)
            for v in 0..<views {
                let page = pages[rng.below(pages.count)]
                try h.feed(
                    .web,
                    pageView(
                        user: "u\(i)", path: page,
                        at: "2024-04-0\(2 + v % 5)T10:\(String(format: "%02d", i)):\(String(format: "%02d", v))Z",
                        id: "pv\(i)-\(v)"))
            }
            if rng.below(3) == 0 {
                let t = 1_712_200_000 + i * 600
                try h.feed(
                    .email, #"{"email":"\#(email)","timestamp":\#(t),"event":"open","sg_event_id":"o\#(i)","sg_message_id":"m\#(i)"}"#)
                try h.feed(
                    .email,
                    #"{"email":"\#(email)","timestamp":\#(t + 60),"event":"click","url":"https://vendor.io/pricing","sg_event_id":"c\#(i)","sg_message_id":"m\#(i)"}"#
                )
            }
            if i % 5 == 0 {
                try h.feed(.crm, activity("L\(i)", email: email, kind: "meeting", at: "2024-04-06T09:\(String(format: "%02d", i)):00Z"))
            }
        }
        try h.feed(
            .email,
            #"{"email":"p5@globex.de","timestamp":1712600000,"event":"bounce","type":"bounce","reason":"no such user","sg_event_id":"b1"}"#)
        return h
    }

    static func scoringYAML(kind: String, artifact: String, explanation: String) -> String {
        DecisionFixtures.scoringYAML
            .replacingOccurrences(
                of: "model: {kind: logistic_regression, artifact: lr.json}", with: "model: {kind: \(kind), artifact: \(artifact)}")
            + "\ntree_explanation: \(explanation)\n"
    }

    /// Runs the tree script with `arguments`; its standard output.
    static func python(_ arguments: [String]) throws -> Data {
        try Fixtures.runPython([script] + arguments, what: "decider_trees.py \(arguments.first ?? "")")
    }

    /// The trained models, once per test process.
    static let models: Result<[String: Data], FixtureError> = Result {
        let names = try ScoringConfiguration.load(
            yaml: Data(scoringYAML(kind: "xgboost", artifact: "xgb.json", explanation: "path").utf8),
            source: "scoring.yaml"
        ).featureSchema().names
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "leadledger-decider-trees-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let namesFile = dir.appendingPathComponent("names.json")
        try JSONSerialization.data(withJSONObject: names).write(to: namesFile)
        _ = try python(["train", dir.path, namesFile.path])
        var files: [String: Data] = [:]
        for name in ["xgb.json", "lgb.json", "lgb.txt"] { files[name] = try Data(contentsOf: dir.appendingPathComponent(name)) }
        return files
    }.mapError { FixtureError(message: "\($0)") }

    /// The audit records of the scenario that decided a lead, and their feature
    /// vectors in schema order (nil: missing).
    static func decidedRecords(_ config: DecisionConfiguration) throws -> (records: [[String: Any]], rows: [[Double?]]) {
        var r = Replay()
        r.run(try scenario().log[...], decider: Decider(config))
        let decided = r.audit.filter { $0["lead_id"] is String && $0["features"] is [String: Any] }
        #expect(decided.count > 100, "the scenario decides leads")
        let names = config.extractor.schema.names
        return (
            decided,
            decided.map { a in
                let f = a["features"] as! [String: Any]
                return names.map { f[$0] as? Double }
            }
        )
    }

    /// What the library says about the audit records' own feature vectors.
    struct Reference {
        var margin: [Double]
        var contributions: [[Double]]
    }

    static func reference(kind: String, model: Data, rows: [[Double?]], saabas: Bool) throws -> Reference {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("leadledger-decider-explain-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let modelFile = dir.appendingPathComponent(kind == "xgb" ? "xgb.json" : "lgb.txt")
        try model.write(to: modelFile)
        let rowsFile = dir.appendingPathComponent("rows.json")
        try JSONSerialization.data(withJSONObject: rows.map { $0.map { $0.map { $0 as Any } ?? NSNull() } }).write(to: rowsFile)
        let out = try #require(
            try JSONSerialization.jsonObject(with: python(["explain", kind, modelFile.path, rowsFile.path])) as? [String: Any])
        let margins = try #require(out["margin"] as? [Double])
        let contributions = try #require(out[saabas ? "saabas" : "shap"] as? [[Double]])
        return Reference(margin: margins, contributions: contributions)
    }

    @Test(
        "audit margins and contributions equal the library's own on the recorded feature vectors",
        arguments: [
            ("xgboost", "xgb", "path"), ("xgboost", "xgb", "treeshap_table"), ("xgboost", "xgb", "treeshap"),
            ("lightgbm", "lgb", "treeshap_table"),
        ])
    func auditEqualsLibrary(kind: String, lib: String, explanation: String) throws {
        let models = try Self.models.get()
        let artifactName = lib == "xgb" ? "xgb.json" : "lgb.json"
        let scoring = Self.scoringYAML(kind: kind, artifact: artifactName, explanation: explanation)
        let config = try DecisionConfiguration(
            scoringYAML: Data(scoring.utf8), scoringSource: "scoring.yaml",
            modelArtifact: try #require(models[artifactName]), modelSource: artifactName,
            routingYAML: Data(DecisionFixtures.routingYAML.utf8), routingSource: "routing.yaml")
        let names = config.extractor.schema.names
        let (decided, rows) = try Self.decidedRecords(config)
        let ref = try Self.reference(
            kind: lib, model: try #require(models[lib == "xgb" ? "xgb.json" : "lgb.txt"]), rows: rows,
            saabas: explanation == "path")
        try #require(ref.margin.count == decided.count && ref.contributions.count == decided.count)
        // XGBoost sums in Float32 and the records carry 6 decimals.
        let tolerance = 2e-5
        var featuresUsed = Set<String>()
        var margins = Set<Double>()
        for (i, a) in decided.enumerated() {
            let margin = try #require(a["margin"] as? Double)
            let base = try #require(a["explanation_base"] as? Double)
            let contributions = try #require(a["contributions"] as? [String: Double])
            #expect(abs(margin - ref.margin[i]) <= tolerance, "record \(i): margin \(margin) vs \(lib) \(ref.margin[i])")
            #expect(
                abs(base - ref.contributions[i][names.count]) <= tolerance,
                "record \(i): base \(base) vs \(lib) bias \(ref.contributions[i][names.count])")
            for (j, name) in names.enumerated() {
                let c = contributions[name] ?? 0
                #expect(
                    abs(c - ref.contributions[i][j]) <= tolerance,
                    "record \(i) \(name): \(c) vs \(lib) \(ref.contributions[i][j]) (\(explanation))")
                if c != 0 { featuresUsed.insert(name) }
            }
            #expect(abs(try #require(a["probability"] as? Double) - 1 / (1 + exp(-margin))) < 2e-6)
            // Reasons (after a gate rule, if any): the largest contributions of the features the lead
            // has (value neither 0 nor missing), in order of magnitude, with the recorded values.
            let features = try #require(a["features"] as? [String: Any])
            func present(_ name: String) -> Bool { (features[name] as? Double).map { $0 != 0 } == true }
            let reasons = try #require(a["reasons"] as? [[String: Any]]).filter { $0["kind"] == nil }
            let magnitudes = reasons.map { abs($0["contribution"] as! Double) }
            #expect(magnitudes == magnitudes.sorted(by: >))
            for reason in reasons {
                let f = reason["feature"] as! String
                #expect(abs((reason["contribution"] as! Double) - (contributions[f] ?? 0)) < 1e-9)
                #expect(present(f), "reason \(f) names an absent feature")
            }
            if let smallest = magnitudes.last, reasons.count == 4 {
                #expect(contributions.filter { present($0.key) && abs($0.value) > smallest + 1e-9 }.count <= 4)
            }
            margins.insert(margin)
        }
        // The comparison is not vacuous: the models split on many catalogue features and scores vary.
        #expect(featuresUsed.count >= 6, "contributing features: \(featuresUsed.sorted())")
        #expect(margins.count >= 20)
    }

    @Test("a tree-model Decider replays byte-identically, and the model version names the artifact")
    func treeReplayIsDeterministic() throws {
        let models = try Self.models.get()
        func run(_ artifact: Data) throws -> (bytes: [UInt8], version: String) {
            let config = try DecisionConfiguration(
                scoringYAML: Data(Self.scoringYAML(kind: "xgboost", artifact: "xgb.json", explanation: "treeshap_table").utf8),
                scoringSource: "scoring.yaml", modelArtifact: artifact, modelSource: "xgb.json",
                routingYAML: Data(DecisionFixtures.routingYAML.utf8), routingSource: "routing.yaml")
            var r = Replay()
            r.run(try Self.scenario().log[...], decider: Decider(config))
            return (r.allBytes, config.modelVersion)
        }
        let xgb = try #require(models["xgb.json"])
        let a = try run(xgb)
        let b = try run(xgb)
        #expect(a.bytes == b.bytes)
        #expect(String(decoding: a.bytes, as: UTF8.self).contains(#""model_version":"\#(a.version)""#))
        // Other artifact bytes (the same model plus a trailing space) are another model version.
        let other = try run(xgb + Data(" ".utf8))
        #expect(other.version != a.version)
    }
}
