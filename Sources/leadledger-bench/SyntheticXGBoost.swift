import ArgumentParser
import Foundation
import LeadLedgerCore
import LeadLedgerDecisions

/// Writes a synthetic XGBoost JSON model of full binary trees: split features
/// and thresholds drawn from the sample, covers (`sum_hessian`) counted by
/// routing the sample through each tree (plus one per leaf so no cover is zero).
enum SyntheticXGBoost {
    static func model(trees: Int, depth: Int, schema: FeatureSchema, sample: Dataset, rng: inout SplitMix64) throws -> Data {
        let d = schema.count
        var treeValues: [JSONValue] = []
        for t in 0..<trees {
            let nodes = (1 << (depth + 1)) - 1
            let internalCount = (1 << depth) - 1
            var splitIndex = [Int](repeating: 0, count: nodes)
            var cond = [Double](repeating: 0, count: nodes)
            var defaultLeft = [Int](repeating: 0, count: nodes)
            for n in 0..<internalCount {
                let f = rng.below(d)
                var v = Double.nan
                while v.isNaN { v = sample.rows[rng.below(sample.count) * d + f] }
                splitIndex[n] = f
                cond[n] = Double(Float(v + 0.5 * (rng.unit() - 0.5)))
                defaultLeft[n] = rng.below(2)
            }
            for n in internalCount..<nodes { cond[n] = Double(Float(0.1 * (rng.unit() - 0.5))) }
            var cover = [Double](repeating: 0, count: nodes)
            for i in 0..<sample.count {
                var n = 0
                while n < internalCount {
                    let v = sample.rows[i * d + splitIndex[n]]
                    let left = v.isNaN ? defaultLeft[n] == 1 : Float(v) < Float(cond[n])
                    n = left ? 2 * n + 1 : 2 * n + 2
                }
                cover[n] += 0.25
            }
            for n in internalCount..<nodes { cover[n] += 0.25 }
            for n in stride(from: internalCount - 1, through: 0, by: -1) { cover[n] = cover[2 * n + 1] + cover[2 * n + 2] }
            let left = (0..<nodes).map { $0 < internalCount ? 2 * $0 + 1 : -1 }
            let right = (0..<nodes).map { $0 < internalCount ? 2 * $0 + 2 : -1 }
            treeValues.append(
                .object([
                    "id": .int(t),
                    "left_children": .array(left.map { .int($0) }),
                    "right_children": .array(right.map { .int($0) }),
                    "split_indices": .array(splitIndex.map { .int($0) }),
                    "split_conditions": .array(cond.map { .number($0) }),
                    "default_left": .array(defaultLeft.map { .int($0) }),
                    "sum_hessian": .array(cover.map { .number($0) }),
                    "split_type": .array((0..<nodes).map { _ in .int(0) }),
                    "tree_param": .object(["num_nodes": .string(String(nodes)), "size_leaf_vector": .string("1")]),
                ]))
        }
        return try StableJSON.encode(
            .object([
                "version": .array([.int(3), .int(2), .int(0)]),
                "learner": .object([
                    "feature_names": .array(schema.names.map { .string($0) }),
                    "objective": .object(["name": .string("binary:logistic")]),
                    "learner_model_param": .object([
                        "base_score": .string("[3E-1]"), "num_class": .string("0"),
                        "num_feature": .string(String(d)), "num_target": .string("1"),
                    ]),
                    "gradient_booster": .object([
                        "name": .string("gbtree"),
                        "model": .object(["trees": .array(treeValues), "tree_info": .array(treeValues.map { _ in .int(0) })]),
                    ]),
                ]),
            ]))
    }
}
