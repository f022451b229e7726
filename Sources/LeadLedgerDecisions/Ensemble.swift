import Foundation
import LeadLedgerCore

/// Combines component outputs into a calibrated probability and a 0–100 score:
///
///     z = bias + Σ_c weight_c × output_c          (components in configured order)
///     probability = calibration(z)                  (Platt, isotonic, or sigmoid)
///     score = round(100 × probability), halves away from zero
///
/// and explains itself on two levels that both add up exactly (up to rounding):
/// - components: `bias + Σ_c contribution_c = z`, `contribution_c = weight_c × output_c`;
/// - features: `base + Σ_j featureContribution_j = z`, where each component's
///   own attribution is scaled by its weight: linear models `coef × standardized
///   value` (base: intercept), trees by ``treeExplanation`` (exact TreeSHAP by
///   default; base: expected margin),
///   rules the explained points of each matching rule credited to the rule's
///   feature (base 0), `.feature` components their value (base 0).
///
/// The ensemble artifact (``artifactData()``) is stable JSON naming every
/// component with its kind, model version and weight, plus bias and calibration;
/// its version is the SHA-256 of those bytes.
package struct Ensemble: Sendable {
    /// The feature schema every component uses.
    package let schema: FeatureSchema
    /// Components in configured (evaluation and summation) order.
    package let components: [EnsembleComponent]
    /// Constant added to the combined margin.
    package let bias: Double
    /// Maps the combined margin to a probability.
    package let calibration: Calibrator
    /// How many top feature contributions a decision reports.
    package let topK: Int
    /// How tree components are explained.
    package let treeExplanation: TreeExplanationMethod
    let featureIndex: [Int]
    /// SHAP tables per component (only for `.treeSHAPTable` tree components).
    let shapTables: [TreeSHAPTable?]

    /// Creates an ensemble; every model must use `schema`.
    package init(
        schema: FeatureSchema, components: [EnsembleComponent], bias: Double = 0,
        calibration: Calibrator = .identity(fromMargin: true), topK: Int = 5,
        treeExplanation: TreeExplanationMethod = .treeSHAPTable
    ) throws {
        guard !components.isEmpty else { throw DecisionsError(.invalidInput, "an ensemble needs at least one component") }
        var names: [String] = []
        var featureIndex: [Int] = []
        for c in components {
            guard !names.contains(c.name) else { throw DecisionsError(.invalidInput, "component name '\(c.name)' used twice") }
            names.append(c.name)
            guard c.weight.isFinite else { throw DecisionsError(.invalidInput, "component '\(c.name)' has a non-finite weight") }
            let modelSchema: FeatureSchema?
            switch c.model {
            case .rules(let m): modelSchema = m.schema
            case .logistic(let m): modelSchema = m.schema
            case .trees(let m): modelSchema = m.schema
            case .feature(let name):
                modelSchema = nil
                guard let i = schema.index(of: name) else {
                    throw DecisionsError(.schemaMismatch, "component '\(c.name)': no feature named '\(name)'")
                }
                featureIndex.append(i)
                continue
            }
            guard modelSchema == schema else {
                throw DecisionsError(.schemaMismatch, "component '\(c.name)' was built for a different feature schema")
            }
            featureIndex.append(-1)
        }
        guard topK >= 0 else { throw DecisionsError(.invalidInput, "topK must not be negative") }
        self.shapTables = components.map { c in
            if case .trees(let m) = c.model, treeExplanation == .treeSHAPTable { return TreeSHAPTable(m) }
            return nil
        }
        self.treeExplanation = treeExplanation
        self.schema = schema
        self.components = components
        self.bias = bias
        self.calibration = calibration
        self.topK = topK
        self.featureIndex = featureIndex
    }

    /// The same ensemble with another calibration.
    package func withCalibration(_ calibration: Calibrator) throws -> Ensemble {
        try Ensemble(
            schema: schema, components: components, bias: bias, calibration: calibration, topK: topK,
            treeExplanation: treeExplanation)
    }

    /// The output of component `c` for row `x` (points, margin or value).
    @inline(__always)
    func output(_ c: Int, _ x: UnsafeBufferPointer<Double>) -> Double {
        switch components[c].model {
        case .rules(let m): return m.score(x)
        case .logistic(let m): return m.margin(x)
        case .trees(let m): return m.margin(x)
        case .feature:
            let v = x[featureIndex[c]]
            return v.isNaN ? 0 : v
        }
    }

    /// The combined margin `z` for one row.
    @inline(__always)
    package func margin(_ x: UnsafeBufferPointer<Double>) -> Double {
        var z = bias
        for c in 0..<components.count { z += components[c].weight * output(c, x) }
        return z
    }

    /// Calibrated probability for one row.
    package func probability(_ x: UnsafeBufferPointer<Double>) -> Double { calibration.probability(margin(x)) }

    /// Margin, probability and 0–100 score for one row, without explanations
    /// (the cheap path, e.g. for events whose decision is not emitted with reasons).
    /// Gives exactly the values ``EnsembleScorer/evaluate(_:)`` returns.
    @inline(__always)
    package func evaluate(_ x: UnsafeBufferPointer<Double>) -> (margin: Double, probability: Double, score: Int) {
        let z = margin(x)
        let p = calibration.probability(z)
        return (z, p, Ensemble.score(probability: p))
    }

    /// The 0–100 score of a probability: `round(100 p)`, halves away from zero.
    @inline(__always)
    package static func score(probability p: Double) -> Int { Int((100 * min(max(p, 0), 1)).rounded(.toNearestOrAwayFromZero)) }

    /// Fits the calibration (`platt` or `isotonic`) on the combined margins of
    /// `data` and returns the calibrated ensemble.
    package func calibrated(method: CalibrationMethod, on data: Dataset) throws -> Ensemble {
        guard data.schema == schema else { throw DecisionsError(.schemaMismatch, "calibration data has a different schema") }
        let z = data.mapRows(margin)
        switch method {
        case .platt: return try withCalibration(try Calibrator.fitPlatt(scores: z, labels: data.labels))
        case .isotonic: return try withCalibration(try Calibrator.fitIsotonic(scores: z, labels: data.labels))
        }
    }

    /// Calibration methods ``calibrated(method:on:)`` can fit.
    package enum CalibrationMethod: String, Sendable { case platt, isotonic }

    /// One decision with explanations (allocating convenience; use ``EnsembleScorer`` in hot loops).
    package func decide(_ vector: FeatureVector) -> EnsembleDecision {
        precondition(vector.schema == schema, "Ensemble: vector schema differs from the ensemble's")
        var scorer = EnsembleScorer(self)
        return vector.values.withUnsafeBufferPointer { scorer.decide($0) }
    }

    // MARK: Artifact

    /// Artifact format name.
    package static let format = "leadledger.ensemble"

    /// Stable JSON: `{"bias", "calibration", "components": [{"kind", "model_version", "name", "weight"}],
    /// "features", "format", "format_version", "top_k", "tree_explanation"}`.
    package func artifactData() throws -> Data {
        try StableJSON.encode(
            .object([
                "format": .string(Self.format),
                "format_version": .int(1),
                "features": .array(schema.names.map { .string($0) }),
                "bias": .number(bias),
                "top_k": .int(topK),
                "tree_explanation": .string(treeExplanation.rawValue),
                "calibration": calibration.json,
                "components": .array(
                    components.map { c in
                        .object([
                            "name": .string(c.name), "kind": .string(c.model.kind),
                            "model_version": .string(c.modelVersion), "weight": .number(c.weight),
                        ])
                    }),
            ]))
    }

    /// Loads an ensemble artifact, attaching the given models by component name.
    /// Each model's kind and version must match what the artifact recorded, so
    /// an ensemble can never silently run with other model versions.
    package static func load(
        artifact data: Data, source: String, schema: FeatureSchema,
        models: [(name: String, model: EnsembleModel, version: String)]
    ) throws -> (ensemble: Ensemble, version: ContentVersion) {
        let json = try JSONParser.parse(data, source: source)
        let r = ArtifactReader(source: source)
        guard try r.string(json, "format") == format else { throw r.fail("format", "not a \(format) artifact") }
        guard try r.int(json, "format_version") == 1 else { throw r.fail("format_version", "unsupported format version") }
        // An artifact written before the catalogue grew names fewer features; its
        // components are attached over the whole catalogue (see
        // `LogisticRegression.embedded(in:)`), so only a feature the catalogue
        // lacks is a mismatch.
        let missing = schema.missing(try r.strings(json, "features"))
        guard missing.isEmpty else {
            throw DecisionsError(
                .schemaMismatch, "artifact features \(missing) are not in the feature catalogue", file: source, field: "features")
        }
        let methodText = try r.string(json, "tree_explanation")
        guard let method = TreeExplanationMethod(rawValue: methodText) else {
            throw r.fail("tree_explanation", "unknown tree explanation '\(methodText)' (treeshap, treeshap_table, path)")
        }
        var components: [EnsembleComponent] = []
        for (i, c) in try r.array(json, "components").enumerated() {
            let path = "components[\(i)]."
            let name = try r.string(c, "name", path)
            let kind = try r.string(c, "kind", path)
            let version = try r.string(c, "model_version", path)
            guard let m = models.first(where: { $0.name == name }) else {
                throw DecisionsError(.invalidArtifact, "no model given for component '\(name)'", file: source, field: path + "name")
            }
            guard m.model.kind == kind else {
                throw DecisionsError(
                    .invalidArtifact, "component '\(name)' is a \(kind) but a \(m.model.kind) was given", file: source, field: path + "kind"
                )
            }
            guard m.version == version else {
                throw DecisionsError(
                    .invalidArtifact, "component '\(name)' needs model version \(version) but \(m.version) was given", file: source,
                    field: path + "model_version")
            }
            components.append(EnsembleComponent(name: name, model: m.model, weight: try r.double(c, "weight", path), modelVersion: version))
        }
        let ensemble = try Ensemble(
            schema: schema, components: components, bias: try r.double(json, "bias"),
            calibration: try Calibrator(json: try r.value(json, "calibration", ""), reader: r, path: "calibration."),
            topK: try r.int(json, "top_k"), treeExplanation: method)
        return (ensemble, ContentVersion(of: data))
    }
}
