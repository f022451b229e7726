/// Reusable scratch memory for ``TreeEnsemble/shap(_:into:workspace:)``, sized
/// for one ensemble. Keep one per thread (it is a value; copying it copies the buffers).
package struct TreeSHAPWorkspace: Sendable {
    var path: [TreeSHAPPathElement]
    var stack: [(Int, Int)]
    var pending: [(Int32, Int32)] = []

    /// Creates scratch space for `ensemble` (exact TreeSHAP and ``TreeSHAPTable``).
    package init(for ensemble: TreeEnsemble) {
        let d = ensemble.maxDepth + 3
        path = [TreeSHAPPathElement](repeating: TreeSHAPPathElement(), count: d * (d + 1) / 2 + d)
        stack = [(Int, Int)](repeating: (0, 0), count: 2 * (ensemble.maxDepth + 2))
    }
}
