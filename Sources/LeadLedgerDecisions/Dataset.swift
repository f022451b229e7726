import Foundation
import LeadLedgerCore

/// Labeled examples in one flat row-major matrix (`rows[i * featureCount + j]`).
/// Labels are 0 or 1. Row order is meaningful: ``split(holdoutFraction:)``
/// keeps the tail as holdout, so pass examples in event-time order.
package struct Dataset: Sendable, Equatable {
    /// Feature schema of the rows.
    package let schema: FeatureSchema
    /// Row-major values, `count × schema.count`; NaN = missing.
    package let rows: [Double]
    /// Labels, 0 or 1.
    package let labels: [Double]

    /// Creates a dataset; `rows.count` must be `labels.count * schema.count`.
    package init(schema: FeatureSchema, rows: [Double], labels: [Double]) throws {
        guard rows.count == labels.count * schema.count else {
            throw DecisionsError(.invalidInput, "\(rows.count) values for \(labels.count) rows of \(schema.count) features")
        }
        for (i, y) in labels.enumerated() where y != 0 && y != 1 {
            throw DecisionsError(.invalidInput, "label \(i) is \(y); labels must be 0 or 1")
        }
        self.schema = schema
        self.rows = rows
        self.labels = labels
    }

    /// Number of examples.
    package var count: Int { labels.count }

    /// `transform` of every row (its feature values), in row order.
    package func mapRows<T>(_ transform: (UnsafeBufferPointer<Double>) throws -> T) rethrows -> [T] {
        let d = schema.count
        return try rows.withUnsafeBufferPointer { buf in
            try (0..<count).map { i in try transform(UnsafeBufferPointer(rebasing: buf[(i * d)..<(i * d + d)])) }
        }
    }

    /// The rows (with their labels) whose index satisfies `include`, in order.
    package func rows(where include: (Int) -> Bool) throws -> Dataset {
        let d = schema.count
        var picked: [Double] = []
        var y: [Double] = []
        for i in 0..<count where include(i) {
            picked += rows[(i * d)..<(i * d + d)]
            y.append(labels[i])
        }
        return try Dataset(schema: schema, rows: picked, labels: y)
    }

    /// Splits off the last `holdoutFraction` of the rows (rounded down) as holdout.
    package func split(holdoutFraction: Double) throws -> (train: Dataset, holdout: Dataset) {
        guard holdoutFraction > 0 && holdoutFraction < 1 else { throw DecisionsError(.invalidInput, "holdout fraction must be in (0, 1)") }
        let holdoutCount = Int(Double(count) * holdoutFraction)
        let cut = count - holdoutCount
        let d = schema.count
        return (
            try Dataset(schema: schema, rows: Array(rows[0..<cut * d]), labels: Array(labels[0..<cut])),
            try Dataset(schema: schema, rows: Array(rows[cut * d..<count * d]), labels: Array(labels[cut...]))
        )
    }
}
