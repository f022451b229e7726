import Foundation
import Testing

@testable import LeadLedgerDecisions

/// The sign-bounded fit (``LogisticRegressionOptions/signs``).
@Suite("Logistic regression bounded by declared directions")
struct BoundedRegressionTests {
    /// Two correlated features: `a` drives the label, `b` ≈ `a` plus noise but
    /// enters with a negative weight in the unconstrained optimum.
    static func data() throws -> Dataset {
        var rows: [Double] = []
        var labels: [Double] = []
        var state: UInt64 = 42
        func unit() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        for _ in 0..<600 {
            let a = unit() * 4
            let b = a + unit() - 0.5
            let z = 2.0 * a - 1.2 * b - 1.5
            rows += [a, b]
            labels.append(unit() < 1 / (1 + exp(-z)) ? 1 : 0)
        }
        return try Dataset(schema: try FeatureSchema(["a", "b"]), rows: rows, labels: labels)
    }

    @Test("a positive bound holds a would-be negative coefficient at 0 and refits the others; free and negative bounds keep the optimum")
    func bounds() throws {
        let d = try Self.data()
        let free = try LogisticRegression.train(d, options: .init(), range: "t")
        #expect(free.coefficients[0] > 0 && free.coefficients[1] < 0, "\(free.coefficients)")
        let bounded = try LogisticRegression.train(d, options: .init(signs: [.positive, .positive]), range: "t")
        #expect(bounded.coefficients[1] == 0)
        #expect(bounded.coefficients[0] > 0)
        // Not a clip after the fact: the other coefficient moved to the constrained optimum.
        #expect(abs(bounded.coefficients[0] - free.coefficients[0]) > 1e-3)
        #expect(bounded.training.objective >= free.training.objective)
        // The constrained optimum: no feasible nudge lowers the objective.
        let alone = try LogisticRegression.train(
            try Dataset(
                schema: try FeatureSchema(["a"]), rows: stride(from: 0, to: d.rows.count, by: 2).map { d.rows[$0] },
                labels: d.labels), options: .init(), range: "t")
        #expect(abs(alone.training.objective - bounded.training.objective) < 1e-6 * alone.training.objective)
        let same = try LogisticRegression.train(d, options: .init(signs: [.free, .negative]), range: "t")
        for j in 0..<2 { #expect(abs(same.coefficients[j] - free.coefficients[j]) < 1e-9) }
        #expect(throws: DecisionsError.self) { try LogisticRegression.train(d, options: .init(signs: [.free]), range: "t") }
    }
}
