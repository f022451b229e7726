import Foundation
import LeadLedgerCore

struct TreeBuilder {
    var kind: [TreeEnsemble.Kind] = []
    var feature: [Int32] = []
    var threshold: [Double] = []
    var left: [Int32] = []
    var right: [Int32] = []
    var defaultLeft: [Bool] = []
    var missingType: [UInt8] = []
    var value: [Double] = []
    var cover: [Double] = []
    var categoryStart: [Int32] = []
    var categoryCount: [Int32] = []
    var categories: [Int32] = []
    var roots: [Int] = []

    mutating func addNode() -> Int {
        kind.append(.leaf)
        feature.append(-1)
        threshold.append(0)
        left.append(-1)
        right.append(-1)
        defaultLeft.append(false)
        missingType.append(0)
        value.append(0)
        cover.append(0)
        categoryStart.append(0)
        categoryCount.append(0)
        return kind.count - 1
    }

    /// Renumbers every tree's nodes breadth-first so that each internal node's
    /// right child directly follows its left child (`right == left + 1`), which
    /// lets the prediction loop pick a child without a branch. Checks that every
    /// child index stays inside its tree and that no node is reached twice.
    mutating func relayout(source: String) throws {
        var order: [Int] = []  // new position -> old index
        order.reserveCapacity(kind.count)
        var newRoots: [Int] = []
        var seen = [Bool](repeating: false, count: kind.count)
        for (t, root) in roots.enumerated() {
            let end = t + 1 < roots.count ? roots[t + 1] : kind.count
            newRoots.append(order.count)
            var queue = [root]
            var head = 0
            seen[root] = true
            while head < queue.count {
                let n = queue[head]
                head += 1
                order.append(n)
                if kind[n] != .leaf {
                    for c in [Int(left[n]), Int(right[n])] {
                        guard c > n && c < end && !seen[c] else {
                            throw DecisionsError(.invalidArtifact, "tree \(t): node \(n - root) has an invalid child", file: source)
                        }
                        seen[c] = true
                        queue.append(c)
                    }
                }
            }
        }
        var newIndex = [Int32](repeating: -1, count: kind.count)
        for (new, old) in order.enumerated() { newIndex[old] = Int32(new) }
        func permute<T>(_ a: [T]) -> [T] { order.map { a[$0] } }
        kind = permute(kind)
        feature = permute(feature)
        threshold = permute(threshold)
        defaultLeft = permute(defaultLeft)
        missingType = permute(missingType)
        value = permute(value)
        cover = permute(cover)
        categoryStart = permute(categoryStart)
        categoryCount = permute(categoryCount)
        left = permute(left).map { $0 < 0 ? $0 : newIndex[Int($0)] }
        right = permute(right).map { $0 < 0 ? $0 : newIndex[Int($0)] }
        roots = newRoots
    }

    func finish(
        schema: FeatureSchema, origin: TreeEnsemble.Origin, objective: TreeEnsemble.Objective, sigmoidScale: Double,
        baseMargin: Double, version: ContentVersion, source: String
    ) throws -> TreeEnsemble {
        var b = self
        try b.relayout(source: source)
        return try b.finishLaidOut(
            schema: schema, origin: origin, objective: objective, sigmoidScale: sigmoidScale,
            baseMargin: baseMargin, version: version, source: source)
    }

    private func finishLaidOut(
        schema: FeatureSchema, origin: TreeEnsemble.Origin, objective: TreeEnsemble.Objective, sigmoidScale: Double,
        baseMargin: Double, version: ContentVersion, source: String
    ) throws -> TreeEnsemble {
        // Validate structure and compute node means bottom-up (children always have larger indices here).
        var mean = [Double](repeating: 0, count: kind.count)
        var depth = [Int](repeating: 0, count: kind.count)
        var maxDepth = 0
        for (t, root) in roots.enumerated() {
            // Nodes of tree t occupy [root, nextRoot).
            let end = t + 1 < roots.count ? roots[t + 1] : kind.count
            for n in root..<end where kind[n] != .leaf {
                for c in [Int(left[n]), Int(right[n])] {
                    guard c > n && c < end else {
                        throw DecisionsError(.invalidArtifact, "tree \(t): node \(n - root) has an invalid child", file: source)
                    }
                    depth[c] = depth[n] + 1
                    maxDepth = max(maxDepth, depth[c])
                }
            }
            for n in stride(from: end - 1, through: root, by: -1) {
                if kind[n] == .leaf {
                    mean[n] = value[n]
                } else {
                    let l = Int(left[n])
                    let r = Int(right[n])
                    let total = cover[n]
                    guard total > 0 else {
                        throw DecisionsError(
                            .invalidArtifact, "tree \(t): node \(n - root) has a non-positive cover \(total); TreeSHAP needs covers",
                            file: source)
                    }
                    mean[n] = (mean[l] * cover[l] + mean[r] * cover[r]) / total
                }
            }
        }
        return TreeEnsemble(
            schema: schema, origin: origin, objective: objective, sigmoidScale: sigmoidScale,
            baseMargin: baseMargin, version: version, kind: kind, feature: feature, threshold: threshold,
            left: left, right: right, defaultLeft: defaultLeft, missingType: missingType, value: value,
            cover: cover, nodeMean: mean, categoryStart: categoryStart, categoryCount: categoryCount,
            categories: categories,
            packed: (0..<kind.count).map { n in
                PackedNode(
                    threshold: kind[n] == .leaf ? value[n] : threshold[n], feature: feature[n],
                    left: left[n], right: right[n], kind: kind[n].rawValue, defaultLeft: defaultLeft[n])
            },
            lockstep: kind.allSatisfy({ $0 == .leaf || $0 == .xgbLess }) && kind.count < Int(Int32.max)
                ? (0..<kind.count).map { n in
                    kind[n] == .leaf
                        ? LockstepNode(threshold: .infinity, feature: 0, left: Int32(n), defaultLeft: 1)
                        : LockstepNode(
                            threshold: Float(threshold[n]), feature: feature[n], left: left[n],
                            defaultLeft: defaultLeft[n] ? 1 : 0)
                } : [],
            roots: roots, maxDepth: maxDepth)
    }
}
