import Foundation
import LeadLedgerCore

/// A gradient-boosted tree ensemble imported from an XGBoost JSON model
/// (`Booster.save_model("m.json")`) or a LightGBM JSON dump (`Booster.dump_model()`).
///
/// All trees live in flat arrays (structure of arrays); node `i` of the
/// ensemble is a leaf when `feature[i] < 0`. The raw margin is
/// `baseMargin + Σ leaf values` summed in tree order in Double.
///
/// Split semantics follow each library exactly:
/// - XGBoost: feature value and threshold compared as Float32, `x < t` goes
///   left; a missing value (NaN) follows `default_left`. Leaf values and
///   hessians are Float32 in XGBoost and are kept at Float32 precision.
/// - LightGBM numerical: values with |x| ≤ 1e-35f count as exactly 0 (as
///   LightGBM's predictor drops them as zero entries); `x <= t` goes left.
///   `missing_type` NaN: NaN follows `default_left`; Zero: NaN is treated as 0
///   and 0 follows `default_left`; None: NaN is treated as 0.
/// - LightGBM categorical (`decision_type` `==`, threshold `"a||b||c"`): a
///   non-negative integer value in the set goes left; anything else, including
///   NaN and negative values, goes right.
package struct TreeEnsemble: Sendable {
    /// Output transformation of the margin.
    package enum Objective: String, Sendable, Equatable {
        /// `probability = sigmoid(sigmoidScale × margin)`.
        case binaryLogistic = "binary_logistic"
        /// Output is the margin itself.
        case regression
    }

    /// Which library the model came from.
    package enum Origin: String, Sendable, Equatable { case xgboost, lightgbm }

    /// How model features are matched to the schema.
    package enum FeatureMapping: Sendable, Equatable {
        /// Model feature names must all be in the schema (required for models without names to be explicit).
        case byName
        /// Model feature `k` is schema position `k`.
        case byPosition
    }

    enum Kind: UInt8, Sendable {
        case leaf = 0
        case xgbLess = 1
        case lgbLessOrEqual = 2
        case lgbCategorical = 3
    }

    /// The schema rows must follow.
    package let schema: FeatureSchema
    /// The library the model came from.
    package let origin: Origin
    /// Output transformation.
    package let objective: Objective
    /// Multiplier of the margin inside the sigmoid (LightGBM `sigmoid:`; 1 for XGBoost).
    package let sigmoidScale: Double
    /// Margin before any tree (XGBoost's transformed `base_score`; 0 for LightGBM).
    package let baseMargin: Double
    /// Content version (SHA-256) of the model file.
    package let version: ContentVersion

    // Flat node storage.
    let kind: [Kind]
    let feature: [Int32]
    let threshold: [Double]
    let left: [Int32]
    let right: [Int32]
    let defaultLeft: [Bool]
    /// LightGBM missing type per node: 0 None, 1 Zero, 2 NaN.
    let missingType: [UInt8]
    let value: [Double]
    let cover: [Double]
    /// Expected value of each node's subtree under the cover weights (for TreeSHAP).
    let nodeMean: [Double]
    let categoryStart: [Int32]
    let categoryCount: [Int32]
    let categories: [Int32]
    /// Nodes packed for prediction (one 24-byte record per node; a leaf's value is in `threshold`).
    let packed: [PackedNode]
    /// For models whose splits are all XGBoost numerical splits: 16-byte nodes in
    /// which a leaf loops to itself (threshold +inf, default left), so every tree
    /// can be walked a fixed `maxDepth` steps without branches and four trees at a
    /// time (hiding memory latency). Empty for other models.
    let lockstep: [LockstepNode]
    /// Root node index of each tree.
    package let roots: [Int]
    /// Maximum depth over trees (a root-only tree has depth 0).
    package let maxDepth: Int

    /// Number of trees.
    package var treeCount: Int { roots.count }
    /// Number of nodes over all trees.
    package var nodeCount: Int { kind.count }

    /// LightGBM's `kZeroThreshold` (`1e-35f`, as a Double): inputs this close to
    /// zero are treated as exactly zero by LightGBM's predictor.
    static let lightGBMZero = Double(Float(1e-35))

    /// Whether node `n` sends `x` left.
    @inline(__always)
    func goesLeft(_ n: Int, _ x: UnsafeBufferPointer<Double>) -> Bool {
        var v = x[Int(feature[n])]
        switch kind[n] {
        case .xgbLess:
            if v.isNaN { return defaultLeft[n] }
            return Double(Float(v)) < threshold[n]
        case .lgbLessOrEqual:
            let mt = missingType[n]
            if v.isNaN {
                if mt == 2 { return defaultLeft[n] }
                v = 0
            } else if abs(v) <= TreeEnsemble.lightGBMZero {
                v = 0  // LightGBM stores |x| <= kZeroThreshold as an absent (zero) entry
            }
            if mt == 1 && v == 0 { return defaultLeft[n] }
            return v <= threshold[n]
        case .lgbCategorical:
            // LightGBM: NaN goes right; otherwise the value is truncated to an int
            // (toward zero, so -0.5 becomes category 0) and negatives go right.
            if v.isNaN || v <= -1 { return false }
            let c = v >= 2_147_483_647 ? Int32.max : Int32(v)
            let start = Int(categoryStart[n])
            for i in start..<(start + Int(categoryCount[n])) where categories[i] == c { return true }
            return false
        case .leaf:
            return false
        }
    }

    /// Index of the leaf `x` reaches in the tree rooted at `root`.
    @inline(__always)
    func leaf(_ root: Int, _ x: UnsafeBufferPointer<Double>) -> Int {
        var n = root
        while kind[n] != .leaf { n = Int(goesLeft(n, x) ? left[n] : right[n]) }
        return n
    }

    /// One branch-free step on the lockstep nodes.
    @inline(__always)
    static func step(_ nodes: UnsafeBufferPointer<LockstepNode>, _ n: Int, _ x: UnsafeBufferPointer<Double>) -> Int {
        let node = nodes[n]
        let v = x[Int(node.feature)]
        let goLeft = v.isNaN ? node.defaultLeft != 0 : Float(v) < node.threshold
        return Int(node.left) &+ (goLeft ? 0 : 1)
    }

    /// Leaves reached in trees `t ..< t+4` (fewer at the end), walked in lockstep.
    @inline(__always)
    func lockstepLeaves(_ nodes: UnsafeBufferPointer<LockstepNode>, _ t: Int, _ x: UnsafeBufferPointer<Double>) -> (Int, Int, Int, Int) {
        let count = roots.count
        var n0 = roots[t]
        var n1 = t + 1 < count ? roots[t + 1] : n0
        var n2 = t + 2 < count ? roots[t + 2] : n0
        var n3 = t + 3 < count ? roots[t + 3] : n0
        for _ in 0..<maxDepth {
            n0 = Self.step(nodes, n0, x)
            n1 = Self.step(nodes, n1, x)
            n2 = Self.step(nodes, n2, x)
            n3 = Self.step(nodes, n3, x)
        }
        return (n0, n1, n2, n3)
    }

    /// Raw margin for one row in schema order.
    @inline(__always)
    package func margin(_ x: UnsafeBufferPointer<Double>) -> Double {
        if !lockstep.isEmpty {
            return lockstep.withUnsafeBufferPointer { nodes in
                packed.withUnsafeBufferPointer { packed in
                    var m = baseMargin
                    var t = 0
                    let count = roots.count
                    while t < count {
                        let (n0, n1, n2, n3) = lockstepLeaves(nodes, t, x)
                        // Summed in tree order, exactly as the one-tree-at-a-time loop.
                        m += packed[n0].threshold
                        if t + 1 < count { m += packed[n1].threshold }
                        if t + 2 < count { m += packed[n2].threshold }
                        if t + 3 < count { m += packed[n3].threshold }
                        t += 4
                    }
                    return m
                }
            }
        }
        return packed.withUnsafeBufferPointer { nodes in
            var m = baseMargin
            for root in roots { m += nodes[leafPacked(nodes, root, x)].threshold }
            return m
        }
    }

    /// Index of the leaf `x` reaches from `root`, on the packed nodes.
    @inline(__always)
    func leafPacked(_ nodes: UnsafeBufferPointer<PackedNode>, _ root: Int, _ x: UnsafeBufferPointer<Double>) -> Int {
        var n = root
        while true {
            let node = nodes[n]
            let left: Bool
            switch node.kind {
            case Kind.leaf.rawValue:
                return n
            case Kind.xgbLess.rawValue:
                let v = x[Int(node.feature)]
                left = v.isNaN ? node.defaultLeft : Double(Float(v)) < node.threshold
            default:
                left = goesLeft(n, x)
            }
            // Children are adjacent (see TreeBuilder.relayout): no branch on the direction.
            n = Int(node.left) &+ (left ? 0 : 1)
        }
    }

    /// Output for a margin: probability for binary models, the margin for regression.
    @inline(__always)
    package func transform(_ margin: Double) -> Double {
        objective == .binaryLogistic ? sigmoid(sigmoidScale * margin) : margin
    }

    /// Prediction (probability or regression value) for one row.
    package func predict(_ x: UnsafeBufferPointer<Double>) -> Double { transform(margin(x)) }

    /// Prediction for one vector.
    package func predict(_ vector: FeatureVector) -> Double {
        precondition(vector.schema == schema, "TreeEnsemble: vector schema differs from the model's")
        return vector.values.withUnsafeBufferPointer { predict($0) }
    }

    /// Expected margin over the training distribution under the cover weights:
    /// the TreeSHAP base value.
    package var expectedMargin: Double {
        var e = baseMargin
        for root in roots { e += nodeMean[root] }
        return e
    }
}

// MARK: - Builder

func resolveFeatures(
    _ names: [String]?, count: Int, schema: FeatureSchema, mapping: TreeEnsemble.FeatureMapping,
    source: String
) throws -> [Int32] {
    switch mapping {
    case .byPosition:
        guard count <= schema.count else {
            throw DecisionsError(.schemaMismatch, "model has \(count) features but the schema only \(schema.count)", file: source)
        }
        return (0..<count).map { Int32($0) }
    case .byName:
        guard let names, names.count == count else {
            throw DecisionsError(.schemaMismatch, "model has no feature names; load it with mapping .byPosition", file: source)
        }
        return try names.map { name in
            guard let i = schema.index(of: name) else {
                throw DecisionsError(.schemaMismatch, "model feature '\(name)' is not in the schema", file: source, field: "feature_names")
            }
            return Int32(i)
        }
    }
}

// MARK: - XGBoost

extension TreeEnsemble {
    /// Loads an XGBoost JSON model (`Booster.save_model("m.json")`, XGBoost 1.x–3.x)
    /// with objective `binary:logistic`, `reg:logistic` or `reg:squarederror` and a
    /// `gbtree` booster. `base_score` is read from `learner_model_param` (a number
    /// or, since 3.0, a one-element list) and, for the logistic objectives, turned
    /// into a margin with the logit. Multi-class, multi-target, DART and
    /// categorical splits are rejected.
    package static func loadXGBoost(
        json data: Data, source: String, schema: FeatureSchema,
        mapping: FeatureMapping = .byName
    ) throws -> TreeEnsemble {
        let root = try JSONParser.parse(data, source: source)
        let r = ArtifactReader(source: source)
        let learner = try r.value(root, "learner", "")
        let param = try r.value(learner, "learner_model_param", "learner.")
        let objectiveName = try r.string(try r.value(learner, "objective", "learner."), "name", "learner.objective.")
        let objective: Objective
        switch objectiveName {
        case "binary:logistic", "reg:logistic": objective = .binaryLogistic
        case "reg:squarederror": objective = .regression
        default:
            throw DecisionsError(
                .unsupportedModel, "objective '\(objectiveName)' is not supported (binary:logistic, reg:logistic, reg:squarederror)",
                file: source, field: "learner.objective.name")
        }
        func paramInt(_ key: String) throws -> Int {
            guard let v = param[key] else { return 0 }
            if let i = v.int { return i }
            if let s = v.string, let i = Int(s) { return i }
            throw r.fail("learner.learner_model_param." + key, "expected an integer")
        }
        guard try paramInt("num_class") <= 1 else {
            throw DecisionsError(
                .unsupportedModel, "multi-class models are not supported", file: source, field: "learner.learner_model_param.num_class")
        }
        guard try paramInt("num_target") <= 1 else {
            throw DecisionsError(
                .unsupportedModel, "multi-target models are not supported", file: source, field: "learner.learner_model_param.num_target")
        }
        let numFeature = try paramInt("num_feature")
        guard let baseText = param["base_score"]?.string ?? param["base_score"]?.double.map({ String($0) }) else {
            throw r.fail("learner.learner_model_param.base_score", "missing base_score")
        }
        let parts = baseText.trimmingCharacters(in: CharacterSet(charactersIn: "[] ")).split(separator: ",")
        guard parts.count == 1, let baseParsed = Double(parts[0].trimmingCharacters(in: .whitespaces)) else {
            throw r.fail("learner.learner_model_param.base_score", "expected one number, found '\(baseText)'")
        }
        let baseScore = Double(Float(baseParsed))
        let baseMargin: Double
        if objective == .binaryLogistic {
            guard baseScore > 0 && baseScore < 1 else {
                throw r.fail("learner.learner_model_param.base_score", "base_score \(baseScore) must be in (0, 1) for a logistic objective")
            }
            baseMargin = logit(baseScore)
        } else {
            baseMargin = baseScore
        }
        let booster = try r.value(learner, "gradient_booster", "learner.")
        let boosterName = try r.string(booster, "name", "learner.gradient_booster.")
        guard boosterName == "gbtree" else {
            throw DecisionsError(
                .unsupportedModel, "booster '\(boosterName)' is not supported (gbtree only)", file: source,
                field: "learner.gradient_booster.name")
        }
        let model = try r.value(booster, "model", "learner.gradient_booster.")
        let names = (learner["feature_names"]?.array ?? []).compactMap { $0.string }
        let featureMap = try resolveFeatures(
            names.isEmpty ? nil : names, count: numFeature, schema: schema, mapping: mapping, source: source)
        if let info = model["tree_info"]?.array, info.contains(where: { $0.int != 0 }) {
            throw DecisionsError(.unsupportedModel, "trees for several output groups are not supported", file: source, field: "tree_info")
        }
        var b = TreeBuilder()
        for (t, tree) in try r.array(model, "trees", "learner.gradient_booster.model.").enumerated() {
            let path = "trees[\(t)]."
            let lc = try r.ints(tree, "left_children", path)
            let rc = try r.ints(tree, "right_children", path)
            let si = try r.ints(tree, "split_indices", path)
            let sc = try r.doubles(tree, "split_conditions", path)
            let dl = try r.array(tree, "default_left", path).map { v -> Bool in
                guard let b = v.bool else { throw r.fail(path + "default_left", "expected 0/1 or booleans") }
                return b
            }
            let hess = try r.doubles(tree, "sum_hessian", path)
            let count = lc.count
            guard rc.count == count, si.count == count, sc.count == count, dl.count == count, hess.count == count, count > 0 else {
                throw r.fail(path + "left_children", "node arrays differ in length")
            }
            if let st = tree["split_type"]?.array, st.contains(where: { $0.int != 0 }) {
                throw DecisionsError(
                    .unsupportedModel, "categorical splits in XGBoost models are not supported", file: source, field: path + "split_type")
            }
            if let slv = tree["tree_param"]?["size_leaf_vector"]?.string, let n = Int(slv), n > 1 {
                throw DecisionsError(
                    .unsupportedModel, "vector leaves are not supported", file: source, field: path + "tree_param.size_leaf_vector")
            }
            let base = b.kind.count
            b.roots.append(base)
            for _ in 0..<count { _ = b.addNode() }
            for n in 0..<count {
                let g = base + n
                b.cover[g] = Double(Float(hess[n]))
                if lc[n] == -1 {
                    b.value[g] = Double(Float(sc[n]))
                    continue
                }
                guard lc[n] > n, lc[n] < count, rc[n] > n, rc[n] < count else {
                    throw r.fail(path + "left_children", "node \(n) has children out of range")
                }
                guard si[n] >= 0, si[n] < featureMap.count else {
                    throw r.fail(path + "split_indices", "node \(n) splits on feature \(si[n]) of \(featureMap.count)")
                }
                b.kind[g] = .xgbLess
                b.feature[g] = featureMap[si[n]]
                b.threshold[g] = Double(Float(sc[n]))
                b.left[g] = Int32(base + lc[n])
                b.right[g] = Int32(base + rc[n])
                b.defaultLeft[g] = dl[n]
            }
        }
        guard !b.roots.isEmpty else { throw r.fail("learner.gradient_booster.model.trees", "model has no trees") }
        return try b.finish(
            schema: schema, origin: .xgboost, objective: objective, sigmoidScale: 1, baseMargin: baseMargin,
            version: ContentVersion(of: data), source: source)
    }
}

// MARK: - LightGBM

extension TreeEnsemble {
    /// Loads a LightGBM JSON dump (`json.dumps(booster.dump_model())`) with
    /// objective `binary` (any `sigmoid:` scale) or `regression`/`regression_l2`/`regression_l1`/`huber`/`fair`/`quantile`.
    /// The cover used by TreeSHAP is `internal_count`/`leaf_count`, as LightGBM's own
    /// `pred_contrib`. Multi-class, averaged (random forest) output and linear trees are rejected.
    package static func loadLightGBM(
        json data: Data, source: String, schema: FeatureSchema,
        mapping: FeatureMapping = .byName
    ) throws -> TreeEnsemble {
        let root = try JSONParser.parse(data, source: source)
        let r = ArtifactReader(source: source)
        guard (root["num_class"]?.int ?? 1) == 1, (root["num_tree_per_iteration"]?.int ?? 1) == 1 else {
            throw DecisionsError(.unsupportedModel, "multi-class LightGBM models are not supported", file: source, field: "num_class")
        }
        if root["average_output"]?.bool == true {
            throw DecisionsError(
                .unsupportedModel, "averaged output (random forest mode) is not supported", file: source, field: "average_output")
        }
        let objectiveText = try r.string(root, "objective")
        let words = objectiveText.split(separator: " ")
        var objective = Objective.regression
        var scale = 1.0
        switch words.first.map(String.init) ?? "" {
        case "binary":
            objective = .binaryLogistic
            for w in words.dropFirst() where w.hasPrefix("sigmoid:") {
                guard let s = Double(w.dropFirst("sigmoid:".count)), s > 0 else {
                    throw r.fail("objective", "invalid sigmoid in '\(objectiveText)'")
                }
                scale = s
            }
        case "regression", "regression_l2", "regression_l1", "huber", "fair", "quantile":
            if words.contains(where: { $0 == "sqrt" }) {
                throw DecisionsError(.unsupportedModel, "regression with sqrt transform is not supported", file: source, field: "objective")
            }
        default:
            throw DecisionsError(
                .unsupportedModel, "objective '\(objectiveText)' is not supported (binary, regression)", file: source, field: "objective")
        }
        let names = try r.strings(root, "feature_names")
        let featureMap = try resolveFeatures(names, count: names.count, schema: schema, mapping: mapping, source: source)
        var b = TreeBuilder()
        for (t, info) in try r.array(root, "tree_info").enumerated() {
            let structure = try r.value(info, "tree_structure", "tree_info[\(t)].")
            let shrinkage = info["shrinkage"]?.double ?? 1
            _ = shrinkage  // leaf values in the dump already include shrinkage
            b.roots.append(b.kind.count)
            _ = try addLightGBMNode(structure, &b, featureMap, r, "tree_info[\(t)].tree_structure")
        }
        guard !b.roots.isEmpty else { throw r.fail("tree_info", "model has no trees") }
        return try b.finish(
            schema: schema, origin: .lightgbm, objective: objective, sigmoidScale: scale, baseMargin: 0,
            version: ContentVersion(of: data), source: source)
    }

    private static func addLightGBMNode(
        _ node: JSONValue, _ b: inout TreeBuilder, _ featureMap: [Int32],
        _ r: ArtifactReader, _ path: String
    ) throws -> Int {
        let g = b.addNode()
        if node["leaf_value"] != nil {
            if node["leaf_coeff"] != nil {
                throw DecisionsError(.unsupportedModel, "linear trees are not supported", file: r.source, field: path + ".leaf_coeff")
            }
            b.value[g] = try r.double(node, "leaf_value", path + ".")
            b.cover[g] = node["leaf_count"]?.double ?? 0
            return g
        }
        let f = try r.int(node, "split_feature", path + ".")
        guard f >= 0 && f < featureMap.count else { throw r.fail(path + ".split_feature", "feature \(f) out of range") }
        b.feature[g] = featureMap[f]
        b.cover[g] = try r.double(node, "internal_count", path + ".")
        guard let dl = node["default_left"]?.bool else { throw r.fail(path + ".default_left", "expected a boolean") }
        b.defaultLeft[g] = dl
        switch try r.string(node, "missing_type", path + ".") {
        case "None": b.missingType[g] = 0
        case "Zero": b.missingType[g] = 1
        case "NaN": b.missingType[g] = 2
        case let other: throw r.fail(path + ".missing_type", "unknown missing_type '\(other)'")
        }
        switch try r.string(node, "decision_type", path + ".") {
        case "<=":
            b.kind[g] = .lgbLessOrEqual
            b.threshold[g] = try r.double(node, "threshold", path + ".")
        case "==":
            b.kind[g] = .lgbCategorical
            guard let text = node["threshold"]?.string ?? node["threshold"]?.int.map({ String($0) }) else {
                throw r.fail(path + ".threshold", "expected categories like \"1||3\"")
            }
            var cats: [Int32] = []
            for part in text.split(separator: "|", omittingEmptySubsequences: true) {
                guard let c = Int32(part) else { throw r.fail(path + ".threshold", "invalid category '\(part)'") }
                cats.append(c)
            }
            cats.sort()
            b.categoryStart[g] = Int32(b.categories.count)
            b.categoryCount[g] = Int32(cats.count)
            b.categories.append(contentsOf: cats)
        case let other:
            throw DecisionsError(
                .unsupportedModel, "decision_type '\(other)' is not supported", file: r.source, field: path + ".decision_type")
        }
        let l = try addLightGBMNode(try r.value(node, "left_child", path + "."), &b, featureMap, r, path + ".left_child")
        let rr = try addLightGBMNode(try r.value(node, "right_child", path + "."), &b, featureMap, r, path + ".right_child")
        b.left[g] = Int32(l)
        b.right[g] = Int32(rr)
        return g
    }
}
