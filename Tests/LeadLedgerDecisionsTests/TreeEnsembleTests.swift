import Foundation
import LeadLedgerCore
import Testing

@testable import LeadLedgerDecisions

@Suite("Tree ensembles against XGBoost and LightGBM")
struct TreeEnsembleTests {
    let schema = try! FeatureSchema(featureNames)

    func load(_ name: String) throws -> (TreeEnsemble, JSONValue) {
        let fx = try Fixtures.load()
        let data = try fx.data(name + ".json")
        let model =
            name.hasPrefix("xgb")
            ? try TreeEnsemble.loadXGBoost(json: data, source: name + ".json", schema: schema)
            : try TreeEnsemble.loadLightGBM(json: data, source: name + ".json", schema: schema)
        return (model, try fx.case(name))
    }

    @Test(
        "predictions equal the library's own to 1e-6, including NaN and on-threshold values",
        arguments: ["xgb_binary", "xgb_reg", "lgb_binary", "lgb_reg", "lgb_zero", "lgb_nomissing", "lgb_cat"])
    func predictions(name: String) throws {
        let (model, ref) = try load(name)
        let inputs = ref["X"]!.matrix
        let margins = ref["margin"]!.doubles
        let predictions = ref["prediction"]!.doubles
        #expect(inputs.count == margins.count && inputs.count >= 300)
        #expect(inputs.contains { $0.contains { $0.isNaN } }, "the test matrix must contain missing values")
        var worstMargin = 0.0
        var worstPrediction = 0.0
        for (i, row) in inputs.enumerated() {
            let (m, p) = row.withUnsafeBufferPointer { (model.margin($0), model.predict($0)) }
            worstMargin = max(worstMargin, abs(m - margins[i]))
            worstPrediction = max(worstPrediction, abs(p - predictions[i]))
        }
        // XGBoost sums leaves in Float32 and this in Double; on these models the
        // difference stays below 1e-6 for margins as well as predictions.
        #expect(worstMargin < 1e-6, "\(name): margin differs by \(worstMargin)")
        #expect(worstPrediction < 1e-6, "\(name): prediction differs by \(worstPrediction)")
    }

    @Test(
        "TreeSHAP sums to the margin and matches the library's pred_contribs",
        arguments: ["xgb_binary", "xgb_reg", "lgb_binary", "lgb_reg", "lgb_zero", "lgb_nomissing", "lgb_cat"])
    func treeSHAP(name: String) throws {
        let (model, ref) = try load(name)
        let inputs = ref["X"]!.matrix
        let contribs = ref["contribs"]!.matrix
        var ws = TreeSHAPWorkspace(for: model)
        var phi = [Double](repeating: 0, count: schema.count)
        var worstSum = 0.0
        var worstPhi = 0.0
        var worstBase = 0.0
        var worstAt = (0, 0)
        for (i, row) in inputs.enumerated() {
            let m = row.withUnsafeBufferPointer { x in phi.withUnsafeMutableBufferPointer { model.shap(x, into: $0, workspace: &ws) } }
            var total = model.expectedMargin
            for v in phi { total += v }
            worstSum = max(worstSum, abs(total - m))
            for j in 0..<schema.count where abs(phi[j] - contribs[i][j]) > worstPhi {
                worstPhi = abs(phi[j] - contribs[i][j])
                worstAt = (i, j)
            }
            worstBase = max(worstBase, abs(model.expectedMargin - contribs[i][schema.count]))
        }
        #expect(worstSum < 1e-6, "\(name): contributions miss the margin by \(worstSum)")
        #expect(worstPhi < 1e-5, "\(name): contributions differ from the library's by \(worstPhi) at row \(worstAt.0) feature \(worstAt.1)")
        #expect(worstBase < 1e-5, "\(name): base value differs from the library's by \(worstBase)")
    }

    @Test("XGBoost base_score: probability space for logistic objectives, bracketed (3.x) and plain (2.x) forms")
    func baseScore() throws {
        let fx = try Fixtures.load()
        let text = String(decoding: try fx.data("xgb_binary.json"), as: UTF8.self)
        let original = try TreeEnsemble.loadXGBoost(json: Data(text.utf8), source: "m.json", schema: schema)
        guard let range = text.range(of: #""base_score":"[^"]*""#, options: .regularExpression) else {
            Issue.record("fixture has no base_score string")
            return
        }
        let stored = String(text[range])
        let xgbVersion = try fx.case("versions")["xgboost"]?.string ?? "?"
        #expect(stored.contains("["), "XGBoost \(xgbVersion) writes base_score as a list: \(stored)")
        let plain = text.replacingCharacters(in: range, with: #""base_score":"2E-1""#)
        let bracketed = text.replacingCharacters(in: range, with: #""base_score":"[2E-1]""#)
        let a = try TreeEnsemble.loadXGBoost(json: Data(plain.utf8), source: "m.json", schema: schema)
        let b = try TreeEnsemble.loadXGBoost(json: Data(bracketed.utf8), source: "m.json", schema: schema)
        #expect(a.baseMargin == b.baseMargin)
        #expect(abs(a.baseMargin - log(Double(Float(0.2)) / (1 - Double(Float(0.2))))) < 1e-12)
        let row = try fx.case("xgb_binary")["X"]!.matrix[0]
        let (m0, m1) = row.withUnsafeBufferPointer { (original.margin($0), a.margin($0)) }
        #expect(abs((m1 - m0) - (a.baseMargin - original.baseMargin)) < 1e-12)
        // For regression the base score is used as is.
        let reg = String(decoding: try fx.data("xgb_reg.json"), as: UTF8.self)
        let regRange = try #require(reg.range(of: #""base_score":"[^"]*""#, options: .regularExpression))
        let regModel = try TreeEnsemble.loadXGBoost(
            json: Data(reg.replacingCharacters(in: regRange, with: #""base_score":"[1.5E0]""#).utf8),
            source: "r.json", schema: schema)
        #expect(regModel.baseMargin == 1.5)
    }

    @Test("feature names are matched to the schema by name, in any order")
    func reorderedSchema() throws {
        let fx = try Fixtures.load()
        let reversed = try FeatureSchema(featureNames.reversed() + ["unused"])
        let model = try TreeEnsemble.loadXGBoost(json: try fx.data("xgb_binary.json"), source: "xgb_binary.json", schema: reversed)
        let ref = try fx.case("xgb_binary")
        for (i, row) in ref["X"]!.matrix.prefix(50).enumerated() {
            let x = row.reversed() + [123.0]
            let p = x.withUnsafeBufferPointer { model.predict($0) }
            #expect(abs(p - ref["prediction"]!.doubles[i]) < 1e-6)
        }
    }

    @Test("unknown features, unsupported objectives and malformed dumps are rejected with a clear error")
    func rejections() throws {
        let fx = try Fixtures.load()
        let small = try FeatureSchema(Array(featureNames.prefix(3)))
        #expect(throws: DecisionsError.self) {
            try TreeEnsemble.loadXGBoost(json: try fx.data("xgb_binary.json"), source: "m.json", schema: small)
        }
        do {
            _ = try TreeEnsemble.loadLightGBM(json: try fx.data("lgb_binary.json"), source: "m.json", schema: small)
            Issue.record("expected a schema mismatch")
        } catch let e as DecisionsError {
            #expect(e.code == .schemaMismatch)
            #expect(
                e.description.contains("email_clicks") || e.description.contains("intent") || e.description.contains("days_since_touch"))
        }
        var text = String(decoding: try fx.data("xgb_binary.json"), as: UTF8.self)
        text = text.replacingOccurrences(of: "\"binary:logistic\"", with: "\"multi:softprob\"")
        do {
            _ = try TreeEnsemble.loadXGBoost(json: Data(text.utf8), source: "m.json", schema: schema)
            Issue.record("expected unsupported objective")
        } catch let e as DecisionsError {
            #expect(e.code == .unsupportedModel)
            #expect(e.message.contains("multi:softprob"))
        }
        #expect(throws: DecisionsError.self) {
            try TreeEnsemble.loadLightGBM(json: Data("{\"tree_info\": [".utf8), source: "broken.json", schema: schema)
        }
    }

    @Test(
        "SHAP tables give the exact TreeSHAP values; path attribution adds up to the margin",
        arguments: ["xgb_binary", "xgb_reg", "lgb_binary", "lgb_zero", "lgb_nomissing", "lgb_cat"])
    func shapTableAndPathAttribution(name: String) throws {
        let (model, ref) = try load(name)
        let table = TreeSHAPTable(model)
        #expect(table.hasTable.allSatisfy { $0 })
        var ws = TreeSHAPWorkspace(for: model)
        var exact = [Double](repeating: 0, count: schema.count)
        var fast = exact
        var path = exact
        var worst = 0.0
        var worstPath = 0.0
        var marginDiff = 0.0
        for row in ref["X"]!.matrix {
            row.withUnsafeBufferPointer { x in
                let m1 = exact.withUnsafeMutableBufferPointer { model.shap(x, into: $0, workspace: &ws) }
                let m2 = fast.withUnsafeMutableBufferPointer { table.shap(x, into: $0, workspace: &ws) }
                let m3 = path.withUnsafeMutableBufferPointer { model.pathAttribution(x, into: $0) }
                marginDiff = max(marginDiff, abs(m1 - m2), abs(m1 - m3), abs(m1 - model.margin(x)))
                for j in 0..<schema.count { worst = max(worst, abs(exact[j] - fast[j])) }
                var total = model.expectedMargin
                for v in path { total += v }
                worstPath = max(worstPath, abs(total - m3))
            }
        }
        #expect(marginDiff < 1e-12, "\(name): margins differ by \(marginDiff)")
        #expect(worst < 1e-9, "\(name): table SHAP differs from recursive TreeSHAP by \(worst)")
        #expect(worstPath < 1e-9, "\(name): path attribution misses the margin by \(worstPath)")
        #expect(table.entryCount > 0)
    }

    @Test(
        "SHAP tables stay within their memory budget; trees left without tables are explained recursively, still exactly",
        arguments: [0.0, 0.33, 0.67])
    func shapTableBudget(fraction: Double) throws {
        let (model, ref) = try load("lgb_binary")
        let budget = Int(Double(TreeSHAPTable(model).entryCount) * fraction)
        let table = TreeSHAPTable(model, maxTableEntries: budget)
        #expect(table.entryCount <= budget)
        if budget == 0 { #expect(table.hasTable.allSatisfy { !$0 }) }
        if budget > 0 {
            #expect(table.hasTable.contains(true) && table.hasTable.contains(false), "budget \(budget) should split the trees")
        }
        var ws = TreeSHAPWorkspace(for: model)
        var exact = [Double](repeating: 0, count: schema.count)
        var fast = exact
        for row in ref["X"]!.matrix.prefix(120) {
            row.withUnsafeBufferPointer { x in
                let m1 = exact.withUnsafeMutableBufferPointer { model.shap(x, into: $0, workspace: &ws) }
                let m2 = fast.withUnsafeMutableBufferPointer { table.shap(x, into: $0, workspace: &ws) }
                #expect(m1 == m2)
                for j in 0..<schema.count { #expect(abs(exact[j] - fast[j]) < 1e-9) }
            }
        }
    }

    @Test(
        "path attribution equals a plain reference walk (expected-value differences along the path)",
        arguments: ["xgb_binary", "lgb_binary", "lgb_cat"])
    func pathAttributionReference(name: String) throws {
        let (model, ref) = try load(name)
        var phi = [Double](repeating: 0, count: schema.count)
        for row in ref["X"]!.matrix {
            var expected = [Double](repeating: 0, count: schema.count)
            row.withUnsafeBufferPointer { x in
                for root in model.roots {
                    var n = root
                    while model.kind[n] != .leaf {
                        let next = Int(model.goesLeft(n, x) ? model.left[n] : model.right[n])
                        expected[Int(model.feature[n])] += model.nodeMean[next] - model.nodeMean[n]
                        n = next
                    }
                }
                _ = phi.withUnsafeMutableBufferPointer { model.pathAttribution(x, into: $0) }
            }
            for j in 0..<schema.count { #expect(abs(phi[j] - expected[j]) < 1e-9, "\(name) feature \(j)") }
        }
    }
}

@Suite("Feature vectors")
struct FeatureVectorTests {
    @Test("schema positions, missing values, duplicate names, top contributions")
    func basics() throws {
        let schema = try FeatureSchema(["a", "b", "c"])
        var v = schema.emptyVector()
        #expect(v.values.allSatisfy { $0.isNaN } && v.isMissing(1))
        try v.set("b", 2.5)
        #expect(v["b"] == 2.5 && v["zz"] == nil && schema.index(of: "c") == 2)
        #expect(throws: DecisionsError.self) { try v.set("zz", 1) }
        #expect(throws: DecisionsError.self) { try FeatureSchema(["a", "a"]) }
        let values: [Double] = [0.5, -3, 0, 3, 1]
        let top = values.withUnsafeBufferPointer { TopContributions.indices($0, k: 3) }
        #expect(top == [1, 3, 4], "ties by magnitude keep the lower index first")
        let all = values.withUnsafeBufferPointer { TopContributions.indices($0, k: 10) }
        #expect(all == [1, 3, 4, 0], "zeros are skipped")
    }
}
