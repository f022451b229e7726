/// Exact path-dependent TreeSHAP from precomputed per-leaf tables (the idea of
/// "Fast TreeSHAP v2", Yang 2021), trading memory for speed.
///
/// For a leaf with value `v` whose root path tests the unique features `F`
/// (`k = |F|`), let `r_j` be the product of the cover ratios (child cover /
/// node cover) of the path nodes testing `j`, and `M ⊆ F` the features whose
/// path conditions `x` satisfies. The path-dependent expectation of the leaf
/// given a coalition `S` is `v · Π_{j∈S} 1[j∈M] · Π_{j∈F∖S} r_j`, so its Shapley
/// value for `i ∈ F` is
///
///     φ_i = v · (1[i∈M] − r_i) · R(F ∖ M ∖ {i}) · H(M ∖ {i}),
///     R(U) = Π_{j∈U} r_j,   H(T) = Σ_{S⊆T} |S|!(k−|S|−1)!/k! · R(T ∖ S),
///
/// which depends on `x` only through `M`. The table holds `φ` for every `M`
/// (`2^k · k` doubles per leaf), so explaining a row is one pass over each
/// tree that tracks `M` and adds `k` numbers per leaf: O(trees × leaves × depth)
/// instead of O(trees × leaves × depth²), with identical values up to rounding
/// (tests compare it with ``TreeEnsemble/shap(_:into:workspace:)`` to 1e-9).
/// Memory is bounded at construction: trees get tables in model order while
/// they fit in `maxTableEntries` doubles (and no leaf path tests more than
/// ``maxLeafFeatures`` distinct features); the other trees are explained by the recursive
/// algorithm, so the result is always exact.
package struct TreeSHAPTable: Sendable {
    /// The model the table explains.
    package let model: TreeEnsemble
    /// Per node: bit of the node's feature in the unique-feature list of its path (-1 for leaves).
    let nodeBit: [Int8]
    /// Per node (leaves only): offset of the leaf's table in `values`, and its `k`.
    let leafOffset: [Int32]
    let leafK: [Int8]
    /// Per node (leaves only): offset of the leaf's feature list in `features`.
    let leafFeatureOffset: [Int32]
    let features: [Int32]
    let values: [Double]
    /// Number of leaves with at least one feature on their path.
    let leafCount: Int

    /// Largest number of distinct features on one leaf path for which a tree gets
    /// tables (building a leaf's table costs O(3^k)).
    package static let maxLeafFeatures = 12

    /// Whether tree `t` has tables (otherwise it is explained recursively).
    package let hasTable: [Bool]

    /// Builds the tables within a budget of `maxTableEntries` doubles
    /// (default 32 M entries = 256 MiB).
    package init(_ model: TreeEnsemble, maxTableEntries: Int = 32 << 20) {
        let n = model.nodeCount
        var nodeBit = [Int8](repeating: -1, count: n)
        var leafOffset = [Int32](repeating: -1, count: n)
        var leafK = [Int8](repeating: 0, count: n)
        var leafFeatureOffset = [Int32](repeating: -1, count: n)
        var features: [Int32] = []
        var values: [Double] = []
        // Precompute the Shapley weights w(s, k) = s!(k-s-1)!/k! for k up to 31.
        func weight(_ s: Int, _ k: Int) -> Double {
            var w = 1.0 / Double(k)
            // s!(k-s-1)!/k! = 1 / (k * C(k-1, s))
            var c = 1.0
            if s > 0 { for t in 1...s { c = c * Double(k - 1 - s + t) / Double(t) } }
            w /= c
            return w
        }
        // Iterative DFS carrying the path's unique features and their r.
        struct Frame {
            var node: Int
            var uniqueFeatures: [Int32]
            var r: [Double]
        }
        var hasTable: [Bool] = []
        for root in model.roots {
            // Size of this tree's tables: Σ over leaves of 2^k · k.
            var size = 0
            var fits = true
            var sizing = [(root, [Int32]())]
            while let (node, unique) = sizing.popLast() {
                if model.kind[node] == .leaf {
                    if unique.count > TreeSHAPTable.maxLeafFeatures {
                        fits = false
                        break
                    }
                    size += (1 << unique.count) * unique.count
                    continue
                }
                var u = unique
                if !u.contains(model.feature[node]) { u.append(model.feature[node]) }
                sizing.append((Int(model.left[node]), u))
                sizing.append((Int(model.right[node]), u))
            }
            guard fits && values.count + size <= maxTableEntries else {
                hasTable.append(false)
                continue
            }
            hasTable.append(true)
            var stack = [Frame(node: root, uniqueFeatures: [], r: [])]
            while let frame = stack.popLast() {
                let node = frame.node
                if model.kind[node] == .leaf {
                    let k = frame.uniqueFeatures.count
                    leafK[node] = Int8(k)
                    leafOffset[node] = Int32(values.count)
                    leafFeatureOffset[node] = Int32(features.count)
                    features.append(contentsOf: frame.uniqueFeatures)
                    let full = (1 << k) - 1
                    var rProduct = [Double](repeating: 1, count: 1 << k)
                    for u in 1..<max(1 << k, 1) {
                        let low = u.trailingZeroBitCount
                        rProduct[u] = rProduct[u & (u - 1)] * frame.r[low]
                    }
                    var h = [Double](repeating: 0, count: 1 << k)
                    let weights = (0...k).map { weight($0, max(k, 1)) }
                    if k > 0 {
                        for t in 0...full {
                            // Σ over subsets S of T, in increasing order of S's bit pattern.
                            var sum = 0.0
                            var s = 0
                            while true {
                                sum += weights[s.nonzeroBitCount] * rProduct[t & ~s]
                                if s == t { break }
                                s = (s - t) & t  // next subset of t
                            }
                            h[t] = sum
                        }
                    }
                    let v = model.value[node]
                    for m in 0..<(1 << k) {
                        for i in 0..<k {
                            let bit = 1 << i
                            let inM = m & bit != 0 ? 1.0 : 0.0
                            let others = m & ~bit
                            values.append(v * (inM - frame.r[i]) * rProduct[full & ~m & ~bit] * h[others])
                        }
                    }
                    continue
                }
                let f = model.feature[node]
                var unique = frame.uniqueFeatures
                var bit = unique.firstIndex(of: f) ?? -1
                var baseR = frame.r
                if bit < 0 {
                    bit = unique.count
                    unique.append(f)
                    baseR.append(1)
                }
                nodeBit[node] = Int8(bit)
                let w = model.cover[node]
                for child in [Int(model.right[node]), Int(model.left[node])] {
                    var r = baseR
                    r[bit] *= model.cover[child] / w
                    stack.append(Frame(node: child, uniqueFeatures: unique, r: r))
                }
            }
        }
        self.model = model
        self.nodeBit = nodeBit
        self.leafOffset = leafOffset
        self.leafK = leafK
        self.leafFeatureOffset = leafFeatureOffset
        self.features = features
        self.values = values
        self.leafCount = leafK.reduce(0) { $0 + ($1 > 0 ? 1 : 0) }
        self.hasTable = hasTable
    }

    /// Number of table entries (doubles).
    package var entryCount: Int { values.count }

    /// Same contract as ``TreeEnsemble/shap(_:into:workspace:)``: writes `phi`
    /// (schema order, overwritten) and returns the margin; base value ``TreeEnsemble/expectedMargin``.
    package func shap(
        _ x: UnsafeBufferPointer<Double>, into phi: UnsafeMutableBufferPointer<Double>,
        workspace: inout TreeSHAPWorkspace
    ) -> Double {
        for i in 0..<phi.count { phi[i] = 0 }
        let m = model
        var margin = m.baseMargin
        if workspace.pending.count < leafCount { workspace.pending = [(Int32, Int32)](repeating: (0, 0), count: leafCount) }
        var pendingCount = 0
        workspace.pending.withUnsafeMutableBufferPointer { pending in
            workspace.path.withUnsafeMutableBufferPointer { pathBuf in
                let pathBuffer = pathBuf.baseAddress!
                workspace.stack.withUnsafeMutableBufferPointer { stack in
                    values.withUnsafeBufferPointer { table in
                        features.withUnsafeBufferPointer { feats in
                            m.packed.withUnsafeBufferPointer { nodes in
                                nodeBit.withUnsafeBufferPointer { bits in
                                    for (t, root) in m.roots.enumerated() {
                                        if !hasTable[t] {
                                            // No table for this tree (memory budget): the recursive algorithm.
                                            margin += m.value[m.leaf(root, x)]
                                            m.recurse(root, x, phi, pathBuffer, 0, 1, 1, -1)
                                            continue
                                        }
                                        // Depth-first, hot child first; (node, mask of unsatisfied features cleared).
                                        var top = 0
                                        stack[0] = (root, ~0)
                                        top = 1
                                        while top > 0 {
                                            top -= 1
                                            let (n, mask) = stack[top]
                                            let node = nodes[n]
                                            if node.kind == TreeEnsemble.Kind.leaf.rawValue {
                                                let k = Int(leafK[n])
                                                if k == 0 { continue }
                                                let full = (1 << k) - 1
                                                // Phase 1 only records which table row each leaf needs; the
                                                // rows are read in phase 2, where the loads are independent
                                                // and their cache misses overlap.
                                                pending[pendingCount] = (Int32(leafOffset[n] + Int32((mask & full) * k)), Int32(n))
                                                pendingCount += 1
                                                if mask & full == full { margin += node.threshold }
                                                continue
                                            }
                                            let left: Bool
                                            if node.kind == TreeEnsemble.Kind.xgbLess.rawValue {
                                                let v = x[Int(node.feature)]
                                                left = v.isNaN ? node.defaultLeft : Double(Float(v)) < node.threshold
                                            } else {
                                                left = m.goesLeft(n, x)
                                            }
                                            let cleared = mask & ~(1 << Int(bits[n]))
                                            let hot = Int(left ? node.left : node.right)
                                            let cold = Int(left ? node.right : node.left)
                                            stack[top] = (cold, cleared)
                                            stack[top + 1] = (hot, mask)
                                            top += 2
                                        }
                                    }
                                    // Phase 2: add the rows in the order phase 1 met the leaves.
                                    for p in 0..<pendingCount {
                                        let (row, n) = (Int(pending[p].0), Int(pending[p].1))
                                        let k = Int(leafK[n])
                                        let fo = Int(leafFeatureOffset[n])
                                        for i in 0..<k { phi[Int(feats[fo + i])] += table[row + i] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return margin
    }
}

extension TreeEnsemble {
    /// Path attribution (Saabas): along the path `x` takes in each tree, every
    /// split's feature is credited with the change of the expected value
    /// (`nodeMean[child] − nodeMean[node]`). Cheap (O(trees × depth)) and it adds
    /// up exactly like SHAP (`expectedMargin + Σ phi = margin`), but it is not a
    /// Shapley value: it over-credits features split near the root. Writes `phi`
    /// (overwritten) and returns the margin.
    package func pathAttribution(_ x: UnsafeBufferPointer<Double>, into phi: UnsafeMutableBufferPointer<Double>) -> Double {
        for i in 0..<phi.count { phi[i] = 0 }
        if !lockstep.isEmpty {
            // Four trees at a time, level by level (a leaf steps to itself and adds 0).
            return lockstep.withUnsafeBufferPointer { nodes in
                packed.withUnsafeBufferPointer { packed in
                    nodeMean.withUnsafeBufferPointer { means in
                        var m = baseMargin
                        let count = roots.count
                        var t = 0
                        while t < count {
                            var n0 = roots[t]
                            var n1 = t + 1 < count ? roots[t + 1] : n0
                            var n2 = t + 2 < count ? roots[t + 2] : n0
                            var n3 = t + 3 < count ? roots[t + 3] : n0
                            let live1 = t + 1 < count ? 1.0 : 0.0
                            let live2 = t + 2 < count ? 1.0 : 0.0
                            let live3 = t + 3 < count ? 1.0 : 0.0
                            for _ in 0..<maxDepth {
                                let c0 = Self.step(nodes, n0, x)
                                let c1 = Self.step(nodes, n1, x)
                                let c2 = Self.step(nodes, n2, x)
                                let c3 = Self.step(nodes, n3, x)
                                phi[Int(nodes[n0].feature)] += means[c0] - means[n0]
                                phi[Int(nodes[n1].feature)] += live1 * (means[c1] - means[n1])
                                phi[Int(nodes[n2].feature)] += live2 * (means[c2] - means[n2])
                                phi[Int(nodes[n3].feature)] += live3 * (means[c3] - means[n3])
                                n0 = c0
                                n1 = c1
                                n2 = c2
                                n3 = c3
                            }
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
        }
        return packed.withUnsafeBufferPointer { nodes in
            nodeMean.withUnsafeBufferPointer { means in
                var margin = baseMargin
                for root in roots {
                    var n = root
                    while true {
                        let node = nodes[n]
                        if node.kind == Kind.leaf.rawValue {
                            margin += node.threshold
                            break
                        }
                        let left: Bool
                        if node.kind == Kind.xgbLess.rawValue {
                            let v = x[Int(node.feature)]
                            left = v.isNaN ? node.defaultLeft : Double(Float(v)) < node.threshold
                        } else {
                            left = goesLeft(n, x)
                        }
                        let next = Int(node.left) &+ (left ? 0 : 1)
                        phi[Int(node.feature)] += means[next] - means[n]
                        n = next
                    }
                }
                return margin
            }
        }
    }
}
