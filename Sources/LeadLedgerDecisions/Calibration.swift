import Foundation
import LeadLedgerCore

/// Maps a raw score (a margin, a probability or points) to a calibrated probability.
package enum Calibrator: Sendable, Equatable {
    /// No calibration: the score is passed through `sigmoid` if `fromMargin`, else clamped to [0, 1].
    case identity(fromMargin: Bool)
    /// Platt scaling: `p = 1 / (1 + exp(-(a·s + b)))`.
    case platt(a: Double, b: Double)
    /// Isotonic regression: a non-decreasing piecewise-linear map through the
    /// points (`x[i]`, `y[i]`), `x` strictly increasing; constant outside the range.
    case isotonic(x: [Double], y: [Double])

    /// The calibrated probability for `score`.
    @inline(__always)
    package func probability(_ score: Double) -> Double {
        switch self {
        case .identity(let fromMargin):
            return fromMargin ? sigmoid(score) : min(max(score, 0), 1)
        case .platt(let a, let b):
            return sigmoid(a * score + b)
        case .isotonic(let xs, let ys):
            return Calibrator.interpolate(xs, ys, score)
        }
    }

    static func interpolate(_ xs: [Double], _ ys: [Double], _ s: Double) -> Double {
        if s.isNaN { return ys[0] }
        if s <= xs[0] { return ys[0] }
        let last = xs.count - 1
        if s >= xs[last] { return ys[last] }
        var lo = 0
        var hi = last  // xs[lo] < s < xs[hi]
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if xs[mid] <= s { lo = mid } else { hi = mid }
        }
        let t = (s - xs[lo]) / (xs[hi] - xs[lo])
        return ys[lo] + t * (ys[hi] - ys[lo])
    }

    /// Fits Platt scaling by Newton's method on the regularized targets of
    /// Platt (1999): positives aim at `(N₊+1)/(N₊+2)`, negatives at `1/(N₋+2)`
    /// (as scikit-learn's `CalibratedClassifierCV(method="sigmoid")` does).
    /// Deterministic: sums in input order, at most 100 iterations with backtracking.
    package static func fitPlatt(scores: [Double], labels: [Double]) throws -> Calibrator {
        try Metrics.check(scores, labels)
        let positives = labels.reduce(0, +)
        let negatives = Double(labels.count) - positives
        let hi = (positives + 1) / (positives + 2)
        let lo = 1 / (negatives + 2)
        let targets = labels.map { $0 == 1 ? hi : lo }
        var a = 0.0
        var b = Foundation.log((negatives + 1) / (positives + 1)) * -1
        func objective(_ a: Double, _ b: Double) -> Double {
            var f = 0.0
            for (s, t) in zip(scores, targets) {
                let z = a * s + b
                f += softplus(z) - t * z
            }
            return f
        }
        var f = objective(a, b)
        for _ in 0..<100 {
            var g0 = 0.0
            var g1 = 0.0
            var h00 = 1e-12
            var h01 = 0.0
            var h11 = 1e-12
            for (s, t) in zip(scores, targets) {
                let p = sigmoid(a * s + b)
                let d = p - t
                let w = p * (1 - p)
                g0 += d * s
                g1 += d
                h00 += w * s * s
                h01 += w * s
                h11 += w
            }
            let det = h00 * h11 - h01 * h01
            guard det > 0 else { break }
            let da = (h11 * g0 - h01 * g1) / det
            let db = (h00 * g1 - h01 * g0) / det
            var step = 1.0
            var accepted = false
            while step >= 1e-10 {
                let na = a - step * da
                let nb = b - step * db
                let nf = objective(na, nb)
                if nf <= f + 1e-12 * abs(f) {
                    a = na
                    b = nb
                    f = nf
                    accepted = true
                    break
                }
                step /= 2
            }
            if !accepted || max(abs(step * da), abs(step * db)) < 1e-12 { break }
        }
        return .platt(a: a, b: b)
    }

    /// Fits isotonic regression with the pool-adjacent-violators algorithm.
    /// Examples are sorted by score (ties by input index); equal scores are
    /// pooled first (their mean label), then adjacent violators are merged in one
    /// left-to-right pass. Each final block contributes its lowest and highest
    /// score with the block mean, giving a non-decreasing piecewise-linear map.
    package static func fitIsotonic(scores: [Double], labels: [Double]) throws -> Calibrator {
        try Metrics.check(scores, labels)
        let order = scores.indices.sorted { scores[$0] < scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
        // Blocks: (lowest score, highest score, sum of labels, weight)
        var pooled: [(lo: Double, hi: Double, sum: Double, weight: Double)] = []
        for idx in order {
            let s = scores[idx]
            let y = labels[idx]
            if let last = pooled.last, last.hi == s {
                pooled[pooled.count - 1].sum += y
                pooled[pooled.count - 1].weight += 1
            } else {
                pooled.append((s, s, y, 1))
            }
        }
        var blocks: [(lo: Double, hi: Double, sum: Double, weight: Double)] = []
        for tie in pooled {
            blocks.append(tie)
            while blocks.count >= 2 {
                let b = blocks[blocks.count - 1]
                let a = blocks[blocks.count - 2]
                guard a.sum / a.weight >= b.sum / b.weight else { break }
                blocks.removeLast()
                blocks[blocks.count - 1] = (a.lo, b.hi, a.sum + b.sum, a.weight + b.weight)
            }
        }
        var xs: [Double] = []
        var ys: [Double] = []
        for block in blocks {
            let v = block.sum / block.weight
            xs.append(block.lo)
            ys.append(v)
            if block.hi > block.lo {
                xs.append(block.hi)
                ys.append(v)
            }
        }
        return .isotonic(x: xs, y: ys)
    }

    var json: JSONValue {
        switch self {
        case .identity(let fromMargin):
            return .object(["method": .string("identity"), "from_margin": .bool(fromMargin)])
        case .platt(let a, let b):
            return .object(["method": .string("platt"), "a": .number(a), "b": .number(b)])
        case .isotonic(let x, let y):
            return .object(["method": .string("isotonic"), "x": .array(x.map { .number($0) }), "y": .array(y.map { .number($0) })])
        }
    }

    init(json: JSONValue, reader: ArtifactReader, path: String) throws {
        switch try reader.string(json, "method", path) {
        case "identity":
            guard let b = json["from_margin"]?.bool else { throw reader.fail(path + "from_margin", "expected a boolean") }
            self = .identity(fromMargin: b)
        case "platt":
            self = .platt(a: try reader.double(json, "a", path), b: try reader.double(json, "b", path))
        case "isotonic":
            let x = try reader.doubles(json, "x", path)
            let y = try reader.doubles(json, "y", path)
            guard !x.isEmpty, x.count == y.count else { throw reader.fail(path + "x", "x and y must be non-empty and of equal length") }
            for i in 1..<max(x.count, 1) where !(x[i] > x[i - 1]) || y[i] < y[i - 1] {
                throw reader.fail(path + "x", "isotonic points must have increasing x and non-decreasing y")
            }
            self = .isotonic(x: x, y: y)
        case let other:
            throw reader.fail(path + "method", "unknown calibration method '\(other)' (identity, platt, isotonic)")
        }
    }
}

/// Logistic function, numerically stable for large |z|.
@inline(__always) package func sigmoid(_ z: Double) -> Double {
    if z >= 0 { return 1 / (1 + Foundation.exp(-z)) }
    let e = Foundation.exp(z)
    return e / (1 + e)
}

/// `log(1 + exp(z))`, stable for large |z|.
@inline(__always) func softplus(_ z: Double) -> Double {
    z > 0 ? z + Foundation.log1p(Foundation.exp(-z)) : Foundation.log1p(Foundation.exp(z))
}

/// Log-odds of `p`.
@inline(__always) package func logit(_ p: Double) -> Double { Foundation.log(p / (1 - p)) }
