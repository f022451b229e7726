import LeadLedgerCore

/// The seeded, stratified train/holdout split every in-process training uses
/// (`leadledger train`, the X Education bench).
///
/// Examples of each class (positives first, then negatives) are shuffled by one
/// SplitMix64 stream seeded with `seed` (Fisher–Yates from the last index down,
/// `j = next() % (i + 1)`); the first `round(trainFraction · n_class)` of each
/// class train, the rest is held out. Both parts keep the input order. The same
/// labels and seed always give the same split.
package enum HoldoutSplit {
    /// Whether each example (by index) is a training example.
    package static func trainMask(labels: [Bool], seed: UInt64, trainFraction: Double = 0.7) -> [Bool] {
        var isTrain = [Bool](repeating: false, count: labels.count)
        forEachClassShuffled(labels: labels, seed: seed) { idx in
            for i in idx.prefix(Int((Double(idx.count) * trainFraction).rounded())) { isTrain[i] = true }
        }
        return isTrain
    }

    /// The fold (0..<`k`) of each example for `k`-fold cross-fitting, stratified: the
    /// examples of each class, shuffled as for ``trainMask(labels:seed:trainFraction:)``,
    /// are dealt to the folds in turn, so every fold holds ⌊n_class/k⌋ or ⌈n_class/k⌉ of each class.
    package static func folds(labels: [Bool], k: Int, seed: UInt64) -> [Int] {
        precondition(k >= 1, "at least one fold")
        var fold = [Int](repeating: 0, count: labels.count)
        forEachClassShuffled(labels: labels, seed: seed) { idx in
            for (position, i) in idx.enumerated() { fold[i] = position % k }
        }
        return fold
    }

    /// The indices of each class (positives, then negatives), each shuffled by one
    /// SplitMix64 stream seeded with `seed` (Fisher–Yates from the last index down,
    /// `j = next() % (i + 1)`).
    static func forEachClassShuffled(labels: [Bool], seed: UInt64, _ body: ([Int]) -> Void) {
        var rng = SplitMix64(seed: seed)
        for label in [true, false] {
            var idx = labels.indices.filter { labels[$0] == label }
            for i in stride(from: idx.count - 1, to: 0, by: -1) { idx.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
            body(idx)
        }
    }
}
