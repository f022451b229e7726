import Foundation

/// Population stability index (PSI) of a sample against a baseline distribution.
///
/// Bins come from the baseline: the cut points are its quantiles at i/B,
/// i = 1…B−1 (nearest rank on the sorted baseline), duplicates removed, so a
/// feature with few distinct values gets fewer bins. A value v falls in bin k =
/// the number of cut points strictly below v, i.e. bins are (−∞, c₁], (c₁, c₂], …,
/// (c_last, ∞). Shares are counts / total; a share of 0 (an empty bin) is replaced
/// by `epsilon` so the logarithm stays finite.
///
/// PSI = Σ_k (actual_k − expected_k) · ln(actual_k / expected_k). It is 0 for
/// identical shares; 0.1 is commonly read as a moderate and 0.2 as a significant shift.
package struct PopulationStability: Sendable, Equatable, Codable {
    /// The baseline's cut points, ascending, distinct.
    package var cuts: [Double]
    /// The baseline's share of each of the `cuts.count + 1` bins.
    package var expected: [Double]
    /// How many baseline values the shares come from.
    package var count: Int

    /// The share that replaces an empty bin's 0.
    package static let epsilon = 1e-4
    /// The default number of bins.
    package static let defaultBins = 10

    /// Bins `baseline` (non-finite values ignored) into at most `bins` quantile bins; nil when it has no finite value.
    package init?(baseline: [Double], bins: Int = defaultBins) {
        let sorted = baseline.filter(\.isFinite).sorted()
        guard !sorted.isEmpty, bins >= 1 else { return nil }
        var cuts: [Double] = []
        for i in 1..<max(bins, 1) {
            let rank = Int((Double(i) / Double(bins) * Double(sorted.count)).rounded(.up))
            let cut = sorted[min(max(rank, 1), sorted.count) - 1]
            // The maximum is never a cut: the last bin would stay empty by construction.
            if cut < sorted[sorted.count - 1], cuts.last != cut { cuts.append(cut) }
        }
        self.cuts = cuts
        self.count = sorted.count
        self.expected = Self.shares(sorted, cuts: cuts)
    }

    /// Creates the binning from explicit cuts and shares (a stored baseline).
    package init(cuts: [Double], expected: [Double], count: Int) {
        self.cuts = cuts
        self.expected = expected
        self.count = count
    }

    /// The bin of a value.
    package static func bin(_ value: Double, cuts: [Double]) -> Int {
        var low = 0
        var high = cuts.count
        while low < high {
            let mid = (low + high) / 2
            if cuts[mid] < value { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// The share of `values` (finite ones) in each bin; all zeros for no values.
    package static func shares(_ values: [Double], cuts: [Double]) -> [Double] {
        var counts = [Int](repeating: 0, count: cuts.count + 1)
        var total = 0
        for value in values where value.isFinite {
            counts[bin(value, cuts: cuts)] += 1
            total += 1
        }
        return counts.map { total == 0 ? 0 : Double($0) / Double(total) }
    }

    /// The PSI of `values` against the baseline; nil when `values` has no finite value.
    package func index(of values: [Double]) -> Double? {
        guard values.contains(where: \.isFinite) else { return nil }
        return Self.index(actual: Self.shares(values, cuts: cuts), expected: expected)
    }

    /// PSI of two share vectors of equal length (empty bins replaced by ``epsilon``).
    package static func index(actual: [Double], expected: [Double]) -> Double {
        var sum = 0.0
        for (a, e) in zip(actual, expected) {
            let a = max(a, epsilon)
            let e = max(e, epsilon)
            sum += (a - e) * log(a / e)
        }
        return sum
    }
}
