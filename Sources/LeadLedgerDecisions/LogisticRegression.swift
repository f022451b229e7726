import Foundation
import LeadLedgerCore

/// An L2-regularized logistic regression over standardized features.
///
/// Trained in process by Newton's method (IRLS) with a Cholesky solve and
/// backtracking, in a fixed summation order (rows in dataset order, features in
/// schema order), so the same data gives the same bits. Standardization
/// (training mean and population standard deviation per feature; scale 1 for a
/// constant feature) is part of the model. A missing (NaN) value is imputed with
/// the training mean, i.e. it contributes 0.
///
/// The artifact (``artifactData()``) is stable JSON; its version is the SHA-256
/// of those bytes.
package struct LogisticRegression: Sendable {
    /// Training facts stored in the artifact.
    package struct TrainingInfo: Sendable, Equatable {
        /// Number of training examples.
        package let examples: Int
        /// Number of positive training examples.
        package let positives: Int
        /// Caller-provided description of the training range (e.g. event-time window).
        package let range: String
        /// Inverse regularization strength used.
        package let c: Double
        /// Newton iterations run.
        package let iterations: Int
        /// Whether the step size fell below the tolerance.
        package let converged: Bool
        /// Final value of the objective.
        package let objective: Double
    }

    /// Feature schema the model was trained on.
    package let schema: FeatureSchema
    /// Training means by schema position.
    package let means: [Double]
    /// Training standard deviations (1 for constant features).
    package let scales: [Double]
    /// Coefficients on standardized features.
    package let coefficients: [Double]
    /// The training range (minimum, maximum) of each feature when the model clips
    /// its inputs to it (``LogisticRegressionOptions/clipToTrainingRange``); nil: no clipping.
    package let ranges: (minimums: [Double], maximums: [Double])?
    /// Intercept (the base value of explanations).
    package let intercept: Double
    /// Facts about the training run.
    package let training: TrainingInfo
    /// Metrics on the holdout set, if one was given.
    package let holdout: EvaluationReport?
    /// Optional calibration of the margin (otherwise the plain sigmoid).
    package let calibration: Calibrator?
    private let inverseScales: [Double]
    private let lower: [Double]
    private let upper: [Double]

    init(
        schema: FeatureSchema, means: [Double], scales: [Double], ranges: (minimums: [Double], maximums: [Double])? = nil,
        coefficients: [Double], intercept: Double,
        training: TrainingInfo, holdout: EvaluationReport?, calibration: Calibrator?
    ) {
        self.schema = schema
        self.means = means
        self.scales = scales
        self.ranges = ranges
        self.lower = ranges?.minimums ?? [Double](repeating: -.infinity, count: means.count)
        self.upper = ranges?.maximums ?? [Double](repeating: .infinity, count: means.count)
        self.coefficients = coefficients
        self.intercept = intercept
        self.training = training
        self.holdout = holdout
        self.calibration = calibration
        self.inverseScales = scales.map { 1 / $0 }
    }

    /// This model over a feature catalogue that holds every feature it was
    /// trained on, and maybe more: the extra features get coefficient 0 (mean 0,
    /// scale 1, no clipping), so every margin and contribution is unchanged.
    /// A release that adds features to the catalogue thereby keeps loading the
    /// regressions trained before it, under the same model version (the files
    /// are unchanged). Nil when the catalogue lacks a feature of the model.
    package func embedded(in catalogue: FeatureSchema) -> LogisticRegression? {
        if catalogue == schema { return self }
        var positions: [Int?] = Array(repeating: nil, count: catalogue.count)
        for (i, name) in schema.names.enumerated() {
            guard let target = catalogue.index(of: name) else { return nil }
            positions[target] = i
        }
        func spread(_ values: [Double], _ absent: Double) -> [Double] {
            positions.map { $0.map { values[$0] } ?? absent }
        }
        return LogisticRegression(
            schema: catalogue, means: spread(means, 0), scales: spread(scales, 1),
            ranges: ranges.map { (minimums: spread($0.minimums, -.infinity), maximums: spread($0.maximums, .infinity)) },
            coefficients: spread(coefficients, 0), intercept: intercept,
            training: training, holdout: holdout, calibration: calibration)
    }

    /// Trains on `data`; evaluates on `holdout` when given. `range` describes the
    /// training data (it is stored, not interpreted).
    package static func train(
        _ data: Dataset, holdout: Dataset? = nil, options: LogisticRegressionOptions = .init(),
        range: String
    ) throws -> LogisticRegression {
        guard options.c > 0 && options.c.isFinite else { throw DecisionsError(.invalidInput, "C must be positive and finite") }
        let n = data.count
        let d = data.schema.count
        guard n > 0 else { throw DecisionsError(.invalidInput, "no training examples") }
        let positives = Int(data.labels.reduce(0, +))
        guard positives > 0 && positives < n else {
            throw DecisionsError(.invalidInput, "training data needs both classes (positives: \(positives) of \(n))")
        }
        for v in data.rows where v.isInfinite { throw DecisionsError(.invalidInput, "training data contains an infinite value") }
        if let holdout, holdout.schema != data.schema {
            throw DecisionsError(.schemaMismatch, "holdout schema differs from training schema")
        }
        if let signs = options.signs, signs.count != d {
            throw DecisionsError(.invalidInput, "\(signs.count) sign bounds for \(d) features")
        }
        // +1: coefficient ≥ 0, −1: ≤ 0, 0: free (the intercept is always free).
        let bound: [Double] = (options.signs ?? []).map { $0 == .positive ? 1 : $0 == .negative ? -1 : 0 }

        // Standardization: mean and population std of the present values, rows in order.
        var means = [Double](repeating: 0, count: d)
        var scales = [Double](repeating: 1, count: d)
        var unsupported = Set<Int>()  // features treated as constant (minimumSupport)
        var minimums = [Double](repeating: 0, count: d)
        var maximums = [Double](repeating: 0, count: d)
        for j in 0..<d {
            var sum = 0.0
            var count = 0.0
            for i in 0..<n where !data.rows[i * d + j].isNaN {
                sum += data.rows[i * d + j]
                count += 1
            }
            let mean = count > 0 ? sum / count : 0
            var ss = 0.0
            for i in 0..<n where !data.rows[i * d + j].isNaN {
                let c = data.rows[i * d + j] - mean
                ss += c * c
            }
            let sd = count > 0 ? (ss / count).squareRoot() : 0
            means[j] = mean
            scales[j] = sd > 0 ? sd : 1
            var lo = Double.infinity
            var hi = -Double.infinity
            for i in 0..<n where !data.rows[i * d + j].isNaN {
                lo = min(lo, data.rows[i * d + j])
                hi = max(hi, data.rows[i * d + j])
            }
            (minimums[j], maximums[j]) = count > 0 ? (lo, hi) : (mean, mean)
            if sd > 0, options.minimumSupport > 1 {
                var counts: [Double: Int] = [:]
                for i in 0..<n where !data.rows[i * d + j].isNaN { counts[data.rows[i * d + j], default: 0] += 1 }
                let mode = counts.values.max() ?? 0
                if Int(count) - mode < options.minimumSupport {
                    scales[j] = 1
                    unsupported.insert(j)
                }
            }
        }
        // Design matrix with the intercept column last.
        let p = d + 1
        var z = [Double](repeating: 0, count: n * p)
        for i in 0..<n {
            for j in 0..<d {
                let v = data.rows[i * d + j]
                z[i * p + j] = v.isNaN || unsupported.contains(j) ? 0 : (v - means[j]) / scales[j]
            }
            z[i * p + d] = 1
        }
        let lambda = 1 / options.c
        var w = [Double](repeating: 0, count: p)
        func objective(_ w: [Double]) -> Double {
            var f = 0.0
            for i in 0..<n {
                var m = 0.0
                for j in 0..<p { m += z[i * p + j] * w[j] }
                f += softplus(m) - data.labels[i] * m
            }
            var r = 0.0
            for j in 0..<d { r += w[j] * w[j] }
            return f + lambda * r / 2
        }
        var f = objective(w)
        var iterations = 0
        var converged = false
        var g = [Double](repeating: 0, count: p)
        var h = [Double](repeating: 0, count: p * p)
        while iterations < options.maxIterations {
            iterations += 1
            for j in 0..<p { g[j] = j < d ? lambda * w[j] : 0 }
            for j in 0..<(p * p) { h[j] = 0 }
            for j in 0..<d { h[j * p + j] = lambda }
            for i in 0..<n {
                var m = 0.0
                for j in 0..<p { m += z[i * p + j] * w[j] }
                let prob = sigmoid(m)
                let r = prob - data.labels[i]
                let s = prob * (1 - prob)
                for j in 0..<p {
                    let zj = z[i * p + j]
                    g[j] += r * zj
                    let szj = s * zj
                    for k in 0...j { h[j * p + k] += szj * z[i * p + k] }
                }
            }
            for j in 0..<p { for k in (j + 1)..<p { h[j * p + k] = h[k * p + j] } }
            // Bounded coefficients at their bound whose gradient points out of the
            // feasible side stay there this iteration: their row and column drop out.
            for j in 0..<bound.count where bound[j] != 0 && w[j] == 0 && g[j] * bound[j] > 0 {
                for k in 0..<p {
                    h[j * p + k] = 0
                    h[k * p + j] = 0
                }
                h[j * p + j] = 1
                g[j] = 0
            }
            let step = try LinearAlgebra.choleskySolve(h, g, p)
            var t = 1.0
            var accepted = false
            var candidate = w
            while t >= 1e-12 {
                for j in 0..<p { candidate[j] = w[j] - t * step[j] }
                for j in 0..<bound.count where candidate[j] * bound[j] < 0 { candidate[j] = 0 }
                let nf = objective(candidate)
                if nf <= f + 1e-14 * abs(f) {
                    accepted = true
                    f = nf
                    break
                }
                t /= 2
            }
            // How far the coefficients actually moved: a bounded coefficient that the
            // step keeps pushing out of its sign and the projection keeps at 0 does not
            // move, so it must not keep the fit from converging.
            var largest = 0.0
            for j in 0..<p { largest = max(largest, abs(candidate[j] - w[j])) }
            if accepted { w = candidate }
            if !accepted || largest < options.tolerance {
                converged = true
                break
            }
        }
        let info = TrainingInfo(
            examples: n, positives: positives, range: range, c: options.c,
            iterations: iterations, converged: converged, objective: f)
        let ranges = options.clipToTrainingRange ? (minimums: minimums, maximums: maximums) : nil
        var model = LogisticRegression(
            schema: data.schema, means: means, scales: scales, ranges: ranges, coefficients: Array(w[0..<d]),
            intercept: w[d], training: info, holdout: nil, calibration: nil)
        if let holdout {
            let probabilities = model.probabilities(holdout)
            model = LogisticRegression(
                schema: data.schema, means: means, scales: scales, ranges: ranges, coefficients: model.coefficients,
                intercept: model.intercept, training: info,
                holdout: try EvaluationReport(probabilities: probabilities, labels: holdout.labels),
                calibration: nil)
        }
        return model
    }

    /// The same model with `calibration` applied to its margin.
    package func withCalibration(_ calibration: Calibrator?) -> LogisticRegression {
        LogisticRegression(
            schema: schema, means: means, scales: scales, ranges: ranges, coefficients: coefficients, intercept: intercept,
            training: training, holdout: holdout, calibration: calibration)
    }

    /// The margin (log-odds): intercept plus the contributions in schema order.
    @inline(__always)
    package func margin(_ x: UnsafeBufferPointer<Double>) -> Double {
        var m = intercept
        for j in 0..<coefficients.count {
            let v = min(max(x[j], lower[j]), upper[j])
            if !x[j].isNaN && coefficients[j] != 0 { m += coefficients[j] * ((v - means[j]) * inverseScales[j]) }
        }
        return m
    }

    /// The margin, writing each feature's contribution `coef × standardized value`
    /// into `contributions` (schema order). The base value is ``intercept``;
    /// intercept plus contributions, summed in schema order, is the margin exactly.
    @inline(__always)
    package func explain(_ x: UnsafeBufferPointer<Double>, into contributions: UnsafeMutableBufferPointer<Double>) -> Double {
        var m = intercept
        for j in 0..<coefficients.count {
            let v = min(max(x[j], lower[j]), upper[j])
            let c = x[j].isNaN || coefficients[j] == 0 ? 0 : coefficients[j] * ((v - means[j]) * inverseScales[j])
            contributions[j] = c
            m += c
        }
        return m
    }

    /// Probability: calibrated margin if a calibration is set, else sigmoid(margin).
    @inline(__always)
    package func probability(_ x: UnsafeBufferPointer<Double>) -> Double {
        let m = margin(x)
        return calibration?.probability(m) ?? sigmoid(m)
    }

    /// Probability for one vector.
    package func probability(_ vector: FeatureVector) -> Double {
        precondition(vector.schema == schema, "LogisticRegression: vector schema differs from the model's")
        return vector.values.withUnsafeBufferPointer { probability($0) }
    }

    /// Margins for every row of `data`.
    package func margins(_ data: Dataset) -> [Double] { data.mapRows(margin) }

    /// Probabilities for every row of `data`.
    package func probabilities(_ data: Dataset) -> [Double] {
        margins(data).map { calibration?.probability($0) ?? sigmoid($0) }
    }

    // MARK: Artifact

    /// Artifact format name.
    package static let format = "leadledger.logistic-regression"

    /// The stable JSON artifact:
    /// `{"calibration": …|null, "coefficients": […], "features": […], "format": "leadledger.logistic-regression",
    ///   "format_version": 1, "holdout": {examples, positives, auc, log_loss, brier, ece, precision_at_top_10pct}|null,
    ///   "intercept": x, "standardization": {"means": […], "scales": […], "ranges": {"minimums": […], "maximums": […]} (only when clipping)},
    ///   "training": {"c", "converged", "examples", "iterations", "objective", "positives", "range"}}`,
    /// keys sorted, numbers as in ``StableJSON``.
    package func artifactData() throws -> Data {
        let t = training
        var standardization: JSONObject = ["means": .array(means.map { .number($0) }), "scales": .array(scales.map { .number($0) })]
        if let ranges {
            standardization.members.append(
                .init(
                    "ranges",
                    .object([
                        "minimums": .array(ranges.minimums.map { .number($0) }),
                        "maximums": .array(ranges.maximums.map { .number($0) }),
                    ])))
        }
        let value: JSONValue = .object([
            "format": .string(Self.format),
            "format_version": .int(1),
            "features": .array(schema.names.map { .string($0) }),
            "standardization": .object(standardization),
            "coefficients": .array(coefficients.map { .number($0) }),
            "intercept": .number(intercept),
            "training": .object([
                "examples": .int(t.examples), "positives": .int(t.positives), "range": .string(t.range),
                "c": .number(t.c), "iterations": .int(t.iterations), "converged": .bool(t.converged),
                "objective": .number(t.objective),
            ]),
            "holdout": holdout?.json ?? .null,
            "calibration": calibration?.json ?? .null,
        ])
        return try StableJSON.encode(value)
    }

    /// The content version of the artifact bytes.
    package func version() throws -> ContentVersion { ContentVersion(of: try artifactData()) }

    /// Loads an artifact written by ``artifactData()``. `source` names it in errors.
    /// Returns the model and the version (SHA-256 of `data`).
    package static func load(artifact data: Data, source: String) throws -> (model: LogisticRegression, version: ContentVersion) {
        let json = try JSONParser.parse(data, source: source)
        let r = ArtifactReader(source: source)
        guard try r.string(json, "format") == format else { throw r.fail("format", "not a \(format) artifact") }
        guard try r.int(json, "format_version") == 1 else { throw r.fail("format_version", "unsupported format version") }
        let schema = try FeatureSchema(try r.strings(json, "features"))
        let std = try r.value(json, "standardization", "")
        let means = try r.doubles(std, "means", "standardization.")
        let scales = try r.doubles(std, "scales", "standardization.")
        let coefficients = try r.doubles(json, "coefficients")
        guard means.count == schema.count, scales.count == schema.count, coefficients.count == schema.count else {
            throw r.fail("coefficients", "features, means, scales and coefficients must have the same length")
        }
        guard scales.allSatisfy({ $0 > 0 }) else { throw r.fail("standardization.scales", "scales must be positive") }
        var ranges: (minimums: [Double], maximums: [Double])?
        if let rangesJSON = std["ranges"], rangesJSON != .null {
            let minimums = try r.doubles(rangesJSON, "minimums", "standardization.ranges.")
            let maximums = try r.doubles(rangesJSON, "maximums", "standardization.ranges.")
            guard minimums.count == schema.count, maximums.count == schema.count, zip(minimums, maximums).allSatisfy({ $0 <= $1 }) else {
                throw r.fail("standardization.ranges", "one minimum ≤ maximum per feature expected")
            }
            ranges = (minimums, maximums)
        }
        let t = try r.value(json, "training", "")
        guard let converged = t["converged"]?.bool else { throw r.fail("training.converged", "expected a boolean") }
        let info = TrainingInfo(
            examples: try r.int(t, "examples", "training."), positives: try r.int(t, "positives", "training."),
            range: try r.string(t, "range", "training."), c: try r.double(t, "c", "training."),
            iterations: try r.int(t, "iterations", "training."), converged: converged,
            objective: try r.double(t, "objective", "training."))
        let holdoutJSON = try r.value(json, "holdout", "")
        let holdout = holdoutJSON == .null ? nil : try EvaluationReport(json: holdoutJSON, reader: r, path: "holdout.")
        let calJSON = try r.value(json, "calibration", "")
        let calibration = calJSON == .null ? nil : try Calibrator(json: calJSON, reader: r, path: "calibration.")
        let model = LogisticRegression(
            schema: schema, means: means, scales: scales, ranges: ranges, coefficients: coefficients,
            intercept: try r.double(json, "intercept"), training: info, holdout: holdout,
            calibration: calibration)
        return (model, ContentVersion(of: data))
    }
}
