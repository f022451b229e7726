import Foundation
import LeadLedgerCore
import Testing

@testable import LeadLedgerDecisions

@Suite("Logistic regression")
struct LogisticRegressionTests {
    func referenceData() throws -> (train: Dataset, holdout: Dataset, ref: JSONValue) {
        let ref = try Fixtures.load().case("logreg")
        let inputs = ref["X"]!.matrix
        let schema = try FeatureSchema((0..<inputs[0].count).map { "x\($0)" })
        let all = try Dataset(schema: schema, rows: inputs.flatMap { $0 }, labels: ref["y"]!.doubles)
        let cut = ref["cut"]!.int!
        let split = try all.split(holdoutFraction: Double(all.count - cut) / Double(all.count))
        #expect(split.train.count == cut)
        return (split.train, split.holdout, ref)
    }

    @Test("coefficients match scikit-learn LogisticRegression(C, lbfgs) to 1e-4 and holdout AUC to 1e-6")
    func matchesScikitLearn() throws {
        let (train, holdout, ref) = try referenceData()
        let model = try LogisticRegression.train(
            train, holdout: holdout, options: .init(c: ref["C"]!.double!), range: "synthetic rows 0..<2400")
        #expect(model.training.converged)
        let coef = ref["coef"]!.doubles
        // Both solve the same strictly convex problem; Newton converges to ~1e-12,
        // lbfgs (tol 1e-12) to ~1e-7. 1e-4 leaves room for the reference solver.
        for j in 0..<coef.count {
            #expect(abs(model.coefficients[j] - coef[j]) < 1e-4, "coefficient \(j): \(model.coefficients[j]) vs \(coef[j])")
        }
        #expect(abs(model.intercept - ref["intercept"]!.double!) < 1e-4)
        let auc = try #require(model.holdout).auc
        #expect(abs(auc - ref["holdout_auc"]!.double!) < 1e-6, "AUC \(auc) vs scikit-learn \(ref["holdout_auc"]!.double!)")
        let p = model.probabilities(holdout)
        let refP = ref["holdout_prob"]!.doubles
        for i in 0..<p.count { #expect(abs(p[i] - refP[i]) < 1e-5) }
    }

    @Test("artifact round-trips bit for bit, is stable, and its version is the SHA-256 of its bytes")
    func artifactRoundTrip() throws {
        let (train, holdout, _) = try referenceData()
        let model = try LogisticRegression.train(train, holdout: holdout, options: .init(c: 0.5), range: "rows 0..<2400")
            .withCalibration(.platt(a: 1.1, b: -0.2))
        let bytes = try model.artifactData()
        let again = try LogisticRegression.train(train, holdout: holdout, options: .init(c: 0.5), range: "rows 0..<2400")
            .withCalibration(.platt(a: 1.1, b: -0.2)).artifactData()
        #expect(bytes == again, "training twice must give identical artifacts")
        let (loaded, version) = try LogisticRegression.load(artifact: bytes, source: "lr.json")
        #expect(version.sha256 == ContentVersion(of: bytes).sha256)
        #expect(try loaded.artifactData() == bytes)
        #expect(loaded.coefficients == model.coefficients && loaded.intercept == model.intercept)
        #expect(loaded.holdout == model.holdout && loaded.training == model.training)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix("{\"calibration\":{\"a\":1.1,\"b\":-0.2,\"method\":\"platt\"},\"coefficients\":["))
        #expect(text.contains("\"range\":\"rows 0..<2400\""))
        let d = train.schema.count
        for i in 0..<holdout.count {
            let row = Array(holdout.rows[(i * d)..<(i * d + d)])
            let (a, b) = row.withUnsafeBufferPointer { (model.probability($0), loaded.probability($0)) }
            #expect(a == b)
        }
    }

    @Test("explanations: intercept plus contributions equal the margin; NaN contributes nothing")
    func explanations() throws {
        let (train, holdout, _) = try referenceData()
        let model = try LogisticRegression.train(train, options: .init(c: 1), range: "r")
        let d = train.schema.count
        var contributions = [Double](repeating: 0, count: d)
        for i in 0..<holdout.count {
            var row = Array(holdout.rows[(i * d)..<(i * d + d)])
            if i % 3 == 0 { row[i % d] = .nan }
            let m = row.withUnsafeBufferPointer { x in contributions.withUnsafeMutableBufferPointer { model.explain(x, into: $0) } }
            var sum = model.intercept
            for c in contributions { sum += c }
            #expect(sum == m)
            #expect(m == row.withUnsafeBufferPointer { model.margin($0) })
            for j in 0..<d {
                let expected = row[j].isNaN ? 0 : model.coefficients[j] * (row[j] - model.means[j]) / model.scales[j]
                #expect(abs(contributions[j] - expected) < 1e-12)
            }
        }
    }

    @Test("a model trained on a smaller catalogue scores the same inside a wider one; a feature the catalogue lacks is refused")
    func embeddedInAWiderCatalogue() throws {
        let (train, holdout, _) = try referenceData()
        let model = try LogisticRegression.train(train, options: .init(c: 1), range: "r")
        let names = train.schema.names
        // New features interleaved with the trained ones, as a later release's catalogue adds them.
        let wider = try FeatureSchema(
            ["new_first"] + names.enumerated().flatMap { $0.offset == 1 ? ["new_middle", $0.element] : [$0.element] } + ["new_last"])
        let embedded = try #require(model.embedded(in: wider))
        #expect(embedded.schema == wider)
        let d = names.count
        for i in 0..<holdout.count {
            let row = Array(holdout.rows[(i * d)..<(i * d + d)])
            var wide = [Double](repeating: 0, count: wider.count)
            for (j, name) in names.enumerated() { wide[wider.index(of: name)!] = row[j] }
            // Whatever the new features hold, they move nothing.
            wide[wider.index(of: "new_first")!] = Double(i)
            wide[wider.index(of: "new_middle")!] = .nan
            wide[wider.index(of: "new_last")!] = -1e6
            let expected = row.withUnsafeBufferPointer { model.margin($0) }
            #expect(wide.withUnsafeBufferPointer { embedded.margin($0) } == expected)
        }
        #expect(model.embedded(in: try FeatureSchema(Array(names.dropFirst()))) == nil)
    }

    @Test("bad input is rejected")
    func badInput() throws {
        let schema = try FeatureSchema(["a"])
        let oneClass = try Dataset(schema: schema, rows: [1, 2, 3], labels: [1, 1, 1])
        #expect(throws: DecisionsError.self) { try LogisticRegression.train(oneClass, range: "r") }
        #expect(throws: DecisionsError.self) { try Dataset(schema: schema, rows: [1, 2], labels: [0]) }
        #expect(throws: DecisionsError.self) { try Dataset(schema: schema, rows: [1], labels: [2]) }
        do {
            _ = try LogisticRegression.load(
                artifact: Data("{\"format\":\"leadledger.logistic-regression\",\"format_version\":1}".utf8), source: "x.json")
            Issue.record("expected an error")
        } catch let e as DecisionsError {
            #expect(e.code == .invalidArtifact && e.field == "features" && e.file == "x.json")
        }
        do {
            _ = try LogisticRegression.load(artifact: Data("{\n  \"format\": ,\n}".utf8), source: "x.json")
            Issue.record("expected an error")
        } catch let e as DecisionsError {
            #expect(e.code == .invalidArtifact && e.file == "x.json" && e.line == 2 && e.column == 13, "\(e)")
            #expect(e.description == "x.json:2:13: malformed JSON: unexpected character ',' [invalid_artifact]")
        }
    }
}

@Suite("Metrics and calibration")
struct MetricsTests {
    @Test("ROC AUC with ties equals scikit-learn's roc_auc_score")
    func aucWithTies() throws {
        let ref = try Fixtures.load().case("auc_ties")
        let s = ref["scores"]!.doubles
        let y = ref["labels"]!.doubles
        #expect(Set(s).count < s.count / 10, "the data must have many ties")
        let auc = try Metrics.rocAUC(scores: s, labels: y)
        #expect(abs(auc - ref["auc"]!.double!) < 1e-12, "\(auc) vs \(ref["auc"]!.double!)")
    }

    @Test("hand-computed metric values")
    func handComputed() throws {
        // Pairs (pos, neg): 0.8>0.4 ✓, 0.8>0.4 ✓; 0.4=0.4 tie ½, 0.4 vs 0.4 tie ½ → (2 + 1) / 4.
        #expect(try Metrics.rocAUC(scores: [0.8, 0.4, 0.4, 0.4], labels: [1, 1, 0, 0]) == 0.75)
        #expect(try Metrics.precisionAtTop(percent: 50, scores: [0.9, 0.1, 0.8, 0.7], labels: [1, 1, 0, 0]) == 0.5)
        #expect(try Metrics.precisionAtTop(percent: 25, scores: [0.9, 0.1, 0.8, 0.7], labels: [1, 1, 0, 0]) == 1)
        // bins: 0.15 → bin 1 (p̄ .15, ȳ 0), 0.95,0.85 → bins 9 and 8 (ȳ 1, 0)
        let ece = try Metrics.expectedCalibrationError(probabilities: [0.15, 0.95, 0.85], labels: [0, 1, 0])
        #expect(abs(ece - (0.15 + 0.05 + 0.85) / 3) < 1e-15)
        #expect(try Metrics.brier(probabilities: [0.5, 1], labels: [1, 1]) == 0.125)
        #expect(abs(try Metrics.logLoss(probabilities: [0.5, 0.5], labels: [1, 0]) - log(2)) < 1e-15)
        #expect(throws: DecisionsError.self) { try Metrics.rocAUC(scores: [0.1, 0.2], labels: [1, 1]) }
    }

    @Test("isotonic calibration matches scikit-learn's IsotonicRegression(out_of_bounds=clip)")
    func isotonic() throws {
        let ref = try Fixtures.load().case("isotonic")
        let cal = try Calibrator.fitIsotonic(scores: ref["scores"]!.doubles, labels: ref["labels"]!.doubles)
        let grid = ref["grid"]!.doubles
        let expected = ref["predicted"]!.doubles
        for (g, e) in zip(grid, expected) {
            #expect(abs(cal.probability(g) - e) < 1e-12, "at \(g): \(cal.probability(g)) vs \(e)")
        }
    }

    @Test("Platt scaling recovers a known sigmoid and isotonic output is monotone")
    func platt() throws {
        // Labels drawn deterministically from p = sigmoid(2s - 1) by a fixed LCG.
        var state: UInt64 = 42
        var s: [Double] = []
        var y: [Double] = []
        for _ in 0..<20000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let score = Double(state >> 11) / Double(1 << 53) * 4 - 2
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let u = Double(state >> 11) / Double(1 << 53)
            s.append(score)
            y.append(u < sigmoid(2 * score - 1) ? 1 : 0)
        }
        guard case .platt(let a, let b) = try Calibrator.fitPlatt(scores: s, labels: y) else {
            Issue.record("not platt")
            return
        }
        #expect(abs(a - 2) < 0.1 && abs(b + 1) < 0.1, "a \(a) b \(b)")
        let iso = try Calibrator.fitIsotonic(scores: s, labels: y)
        var last = -1.0
        for v in stride(from: -2.5, through: 2.5, by: 0.01) {
            let p = iso.probability(v)
            #expect(p >= last)
            last = p
        }
    }

    /// Rows of three features: x0 informative in [-2, 2), x1 a rare flag (set in 3 of 400
    /// rows), x2 a category never seen in training (always 0); labels follow x0.
    func sparseData() throws -> Dataset {
        var rng = SplitMix64(seed: 11)
        var rows: [Double] = []
        var labels: [Double] = []
        for i in 0..<400 {
            let x0 = rng.unit() * 4 - 2
            rows += [x0, i % 150 == 7 ? 1 : 0, 0]
            labels.append(rng.unit() < 1 / (1 + exp(-1.5 * x0)) ? 1 : 0)
        }
        return try Dataset(schema: try FeatureSchema(["x0", "rare", "unseen"]), rows: rows, labels: labels)
    }

    func probability(_ model: LogisticRegression, _ row: [Double]) -> Double {
        row.withUnsafeBufferPointer { model.probability($0) }
    }

    @Test(
        "minimumSupport zeroes features that rarely leave their mode; clipToTrainingRange bounds inputs, also a never-seen category, and survives the artifact"
    )
    func supportAndClipping() throws {
        let data = try sparseData()
        let plain = try LogisticRegression.train(data, range: "sparse")
        #expect(plain.ranges == nil)
        #expect(plain.coefficients[1] != 0, "without a support floor the rare flag gets a weight")

        let model = try LogisticRegression.train(data, options: .init(minimumSupport: 10, clipToTrainingRange: true), range: "sparse")
        #expect(model.coefficients[0] > 0.5, "the informative feature keeps its weight: \(model.coefficients[0])")
        #expect(model.coefficients[1] == 0, "3 rows off the mode < minimumSupport 10")
        #expect(model.coefficients[2] == 0)
        let ranges = try #require(model.ranges)
        let x0 = stride(from: 0, to: data.rows.count, by: 3).map { data.rows[$0] }
        #expect(ranges.minimums[0] == x0.min()! && ranges.maximums[0] == x0.max()!)
        #expect(ranges.minimums[2] == 0 && ranges.maximums[2] == 0)

        // Beyond the training range: the clipped model answers as at the boundary, the plain one extrapolates.
        let far = [1000.0, 0, 0]
        let edge = [x0.max()!, 0, 0]
        #expect(probability(model, far) == probability(model, edge))
        #expect(probability(plain, far) != probability(plain, edge))
        // A category never seen in training is clipped to its only training value.
        #expect(probability(model, [0.3, 0, 1]) == probability(model, [0.3, 0, 0]))
        #expect(probability(model, [0.3, 1, 0]) == probability(model, [0.3, 0, 0]), "the zeroed rare flag does not move the score")

        // The artifact keeps the ranges, so a loaded model clips the same way.
        let (loaded, _) = try LogisticRegression.load(artifact: try model.artifactData(), source: "sparse.json")
        #expect(try loaded.artifactData() == model.artifactData())
        for row in [far, edge, [0.3, 0, 1], [-50, 1, 1]] { #expect(probability(loaded, row) == probability(model, row)) }
    }
}
