extension TreeEnsemble {
    /// Exact path-dependent TreeSHAP (Lundberg, Erion & Lee 2018, Algorithm 2,
    /// as implemented in XGBoost's `RegTree::TreeShap`), with node covers as the
    /// background distribution (XGBoost `sum_hessian`, LightGBM counts).
    ///
    /// Writes each feature's contribution to the margin into `phi` (schema
    /// order, `schema.count` entries, overwritten) and returns the margin. The
    /// base value is ``expectedMargin``; `expectedMargin + Σ phi = margin` up to
    /// rounding. Trees are processed in order and each tree's leaves in
    /// depth-first order (hot child first), so results are deterministic.
    /// Cost is O(trees × leaves × depth²) per row.
    package func shap(
        _ x: UnsafeBufferPointer<Double>, into phi: UnsafeMutableBufferPointer<Double>,
        workspace: inout TreeSHAPWorkspace
    ) -> Double {
        for i in 0..<phi.count { phi[i] = 0 }
        var margin = baseMargin
        workspace.path.withUnsafeMutableBufferPointer { path in
            let base = path.baseAddress!
            for root in roots {
                margin += value[leaf(root, x)]
                recurse(root, x, phi, base, 0, 1, 1, -1)
            }
        }
        return margin
    }

    /// Contributions for one vector: `(phi, base value)`; allocates, for tests and tools.
    package func shap(_ vector: FeatureVector) -> (phi: [Double], base: Double) {
        var ws = TreeSHAPWorkspace(for: self)
        var phi = [Double](repeating: 0, count: schema.count)
        vector.values.withUnsafeBufferPointer { x in
            phi.withUnsafeMutableBufferPointer { p in _ = shap(x, into: p, workspace: &ws) }
        }
        return (phi, expectedMargin)
    }

    func recurse(
        _ node: Int, _ x: UnsafeBufferPointer<Double>, _ phi: UnsafeMutableBufferPointer<Double>,
        _ parentPath: UnsafeMutablePointer<TreeSHAPPathElement>, _ uniqueDepthIn: Int,
        _ parentZero: Double, _ parentOne: Double, _ parentFeature: Int
    ) {
        var uniqueDepth = uniqueDepthIn
        let path = parentPath + (uniqueDepth + 1)
        path.update(from: parentPath, count: uniqueDepth + 1)
        Self.extendPath(path, uniqueDepth, parentZero, parentOne, parentFeature)
        if kind[node] == .leaf {
            let v = value[node]
            if uniqueDepth >= 1 {
                for i in 1...uniqueDepth {
                    let w = Self.unwoundPathSum(path, uniqueDepth, i)
                    let el = path[i]
                    phi[el.feature] += w * (el.oneFraction - el.zeroFraction) * v
                }
            }
            return
        }
        let splitFeature = Int(feature[node])
        let goLeft = goesLeft(node, x)
        let hot = Int(goLeft ? left[node] : right[node])
        let cold = Int(goLeft ? right[node] : left[node])
        let w = cover[node]
        let hotZero = cover[hot] / w
        let coldZero = cover[cold] / w
        var incomingZero = 1.0
        var incomingOne = 1.0
        var pathIndex = 0
        while pathIndex <= uniqueDepth {
            if path[pathIndex].feature == splitFeature { break }
            pathIndex += 1
        }
        if pathIndex != uniqueDepth + 1 {
            incomingZero = path[pathIndex].zeroFraction
            incomingOne = path[pathIndex].oneFraction
            Self.unwindPath(path, uniqueDepth, pathIndex)
            uniqueDepth -= 1
        }
        recurse(hot, x, phi, path, uniqueDepth + 1, hotZero * incomingZero, incomingOne, splitFeature)
        recurse(cold, x, phi, path, uniqueDepth + 1, coldZero * incomingZero, 0, splitFeature)
    }

    @inline(__always)
    static func extendPath(_ path: UnsafeMutablePointer<TreeSHAPPathElement>, _ depth: Int, _ zero: Double, _ one: Double, _ feature: Int) {
        path[depth] = TreeSHAPPathElement(feature: feature, zeroFraction: zero, oneFraction: one, pweight: depth == 0 ? 1 : 0)
        let d1 = Double(depth + 1)
        var i = depth - 1
        while i >= 0 {
            path[i + 1].pweight += one * path[i].pweight * Double(i + 1) / d1
            path[i].pweight = zero * path[i].pweight * Double(depth - i) / d1
            i -= 1
        }
    }

    @inline(__always)
    static func unwindPath(_ path: UnsafeMutablePointer<TreeSHAPPathElement>, _ depth: Int, _ pathIndex: Int) {
        let one = path[pathIndex].oneFraction
        let zero = path[pathIndex].zeroFraction
        var nextOnePortion = path[depth].pweight
        let d1 = Double(depth + 1)
        var i = depth - 1
        while i >= 0 {
            if one != 0 {
                let tmp = path[i].pweight
                path[i].pweight = nextOnePortion * d1 / (Double(i + 1) * one)
                nextOnePortion = tmp - path[i].pweight * zero * Double(depth - i) / d1
            } else {
                path[i].pweight = path[i].pweight * d1 / (zero * Double(depth - i))
            }
            i -= 1
        }
        var k = pathIndex
        while k < depth {
            path[k].feature = path[k + 1].feature
            path[k].zeroFraction = path[k + 1].zeroFraction
            path[k].oneFraction = path[k + 1].oneFraction
            k += 1
        }
    }

    @inline(__always)
    static func unwoundPathSum(_ path: UnsafeMutablePointer<TreeSHAPPathElement>, _ depth: Int, _ pathIndex: Int) -> Double {
        let one = path[pathIndex].oneFraction
        let zero = path[pathIndex].zeroFraction
        var nextOnePortion = path[depth].pweight
        var total = 0.0
        let d1 = Double(depth + 1)
        var i = depth - 1
        while i >= 0 {
            if one != 0 {
                let tmp = nextOnePortion * d1 / (Double(i + 1) * one)
                total += tmp
                nextOnePortion = path[i].pweight - tmp * zero * (Double(depth - i) / d1)
            } else {
                total += (path[i].pweight / zero) / (Double(depth - i) / d1)
            }
            i -= 1
        }
        return total
    }
}
