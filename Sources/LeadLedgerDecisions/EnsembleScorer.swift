import Foundation
import LeadLedgerCore

/// Reusable, allocation-free scorer for one ensemble (one per thread).
///
/// ``evaluate(_:)`` fills the internal buffers; read them through
/// ``componentContributions``, ``featureContributions`` and ``topFeatureIndices``.
package struct EnsembleScorer: Sendable {
    /// The ensemble behind one reference: ``evaluate(_:)`` reads it in place
    /// (a copy of the `Ensemble` struct would retain each of its arrays).
    /// Sendable as a final class with one `let` of a Sendable type.
    final class Box: Sendable {
        let ensemble: Ensemble
        init(_ ensemble: Ensemble) { self.ensemble = ensemble }
    }
    private let box: Box
    /// The ensemble this scorer evaluates.
    package var ensemble: Ensemble { box.ensemble }
    /// `weight × output` per component after the last ``evaluate(_:)``.
    package private(set) var componentContributions: [Double]
    /// Raw output per component after the last ``evaluate(_:)``.
    package private(set) var componentOutputs: [Double]
    /// Per-feature contribution to the combined margin after the last ``evaluate(_:)``.
    package private(set) var featureContributions: [Double]
    /// Indices of the top features after the last ``evaluate(_:)``.
    package private(set) var topFeatureIndices: [Int]
    /// Base of the feature attribution after the last ``evaluate(_:)``.
    package private(set) var featureBase: Double = 0
    /// When set, ``topFeatureIndices`` only names features the row has (value
    /// neither 0 nor missing; ``TopContributions/indices(_:k:present:into:)``):
    /// the decider's reasons. Off by default (all contributions compete).
    package var topFromPresentFeatures = false
    private var scratch: [Double]
    private var perRule: [Double]
    private var workspaces: [TreeSHAPWorkspace]

    /// Allocates the buffers for `ensemble` (one scorer per thread).
    package init(_ ensemble: Ensemble) {
        box = Box(ensemble)
        let d = ensemble.schema.count
        componentContributions = [Double](repeating: 0, count: ensemble.components.count)
        componentOutputs = componentContributions
        featureContributions = [Double](repeating: 0, count: d)
        topFeatureIndices = []
        topFeatureIndices.reserveCapacity(ensemble.topK)
        scratch = [Double](repeating: 0, count: d)
        var maxRules = 0
        var workspaces: [TreeSHAPWorkspace] = []
        for c in ensemble.components {
            if case .rules(let m) = c.model { maxRules = max(maxRules, m.ruleCount) }
            if case .trees(let m) = c.model { workspaces.append(TreeSHAPWorkspace(for: m)) }
        }
        perRule = [Double](repeating: 0, count: maxRules)
        self.workspaces = workspaces
    }

    /// Scores and explains one row; returns `(margin, probability, score)`.
    /// Components are evaluated and their attributions accumulated in configured
    /// order, features in schema order.
    @inline(__always)
    package mutating func evaluate(_ x: UnsafeBufferPointer<Double>) -> (margin: Double, probability: Double, score: Int) {
        let box = self.box  // one retain; the ensemble is read through it in place
        let d = box.ensemble.schema.count
        var z = box.ensemble.bias
        var base = box.ensemble.bias
        var treeIndex = 0
        featureContributions.withUnsafeMutableBufferPointer { fc in
            for j in 0..<d { fc[j] = 0 }
            scratch.withUnsafeMutableBufferPointer { s in
                for c in 0..<box.ensemble.components.count {
                    let w = box.ensemble.components[c].weight
                    let out: Double
                    switch box.ensemble.components[c].model {
                    case .rules(let m):
                        out = perRule.withUnsafeMutableBufferPointer { pr in m.score(x, perRule: pr) }
                        var r = 0
                        for group in m.groups {
                            for rule in group.rules {
                                fc[rule.featureIndex] += w * perRule[r]
                                r += 1
                            }
                        }
                    case .logistic(let m):
                        out = m.explain(x, into: s)
                        base += w * m.intercept
                        for j in 0..<d { fc[j] += w * s[j] }
                    case .trees(let m):
                        switch box.ensemble.treeExplanation {
                        case .treeSHAP: out = m.shap(x, into: s, workspace: &workspaces[treeIndex])
                        case .treeSHAPTable: out = box.ensemble.shapTables[c]!.shap(x, into: s, workspace: &workspaces[treeIndex])
                        case .pathAttribution: out = m.pathAttribution(x, into: s)
                        }
                        treeIndex += 1
                        base += w * m.expectedMargin
                        for j in 0..<d { fc[j] += w * s[j] }
                    case .feature:
                        let i = box.ensemble.featureIndex[c]
                        out = x[i].isNaN ? 0 : x[i]
                        fc[i] += w * out
                    }
                    let contribution = w * out
                    componentOutputs[c] = out
                    componentContributions[c] = contribution
                    z += contribution
                }
            }
            if topFromPresentFeatures {
                TopContributions.indices(UnsafeBufferPointer(fc), k: box.ensemble.topK, present: x, into: &topFeatureIndices)
            } else {
                TopContributions.indices(UnsafeBufferPointer(fc), k: box.ensemble.topK, into: &topFeatureIndices)
            }
        }
        featureBase = base
        let p = box.ensemble.calibration.probability(z)
        return (z, p, Ensemble.score(probability: p))
    }

    /// Scores one row and packages the explanation (allocates the result arrays).
    package mutating func decide(_ x: UnsafeBufferPointer<Double>) -> EnsembleDecision {
        let (z, p, s) = evaluate(x)
        let e = ensemble
        return EnsembleDecision(
            margin: z, probability: p, score: s,
            componentOutputs: componentOutputs,
            componentContributions: (0..<e.components.count).map {
                FeatureContribution(name: e.components[$0].name, index: -1, value: componentContributions[$0])
            },
            featureBase: featureBase,
            topFeatures: topFeatureIndices.map { FeatureContribution(name: e.schema.names[$0], index: $0, value: featureContributions[$0]) }
        )
    }
}
