/// The ordered list of feature names a model was built for.
///
/// A feature's position in the schema is its index in every ``FeatureVector``
/// and every flat `[Double]` row; models resolve names to positions once, at
/// load time, so scoring never looks names up.
package struct FeatureSchema: Sendable, Hashable {
    /// Feature names in schema order.
    package let names: [String]
    private let positions: [String: Int]

    /// Creates a schema; names must be non-empty and unique.
    package init(_ names: [String]) throws {
        var positions: [String: Int] = [:]
        for (i, name) in names.enumerated() {
            guard !name.isEmpty else { throw DecisionsError(.schemaMismatch, "feature \(i) has an empty name") }
            guard positions[name] == nil else {
                throw DecisionsError(.schemaMismatch, "feature name '\(name)' appears twice in the schema")
            }
            positions[name] = i
        }
        self.names = names
        self.positions = positions
    }

    /// Number of features.
    package var count: Int { names.count }

    /// Position of `name`, or nil.
    package func index(of name: String) -> Int? { positions[name] }

    /// The `names` this schema does not have, in their order: what keeps a model
    /// trained on other features from loading against it.
    package func missing(_ names: [String]) -> [String] { names.filter { positions[$0] == nil } }

    /// A vector of this schema with every value missing (NaN).
    package func emptyVector() -> FeatureVector { FeatureVector(schema: self, values: [Double](repeating: .nan, count: count)) }

    package static func == (lhs: FeatureSchema, rhs: FeatureSchema) -> Bool { lhs.names == rhs.names }
    package func hash(into hasher: inout Hasher) { hasher.combine(names) }
}

/// One decision's numeric features: a flat array in ``FeatureSchema`` order.
/// A missing value is `Double.nan`; tree models route it by their default
/// direction, the logistic regression imputes the training mean, and rule
/// conditions on it are false.
package struct FeatureVector: Sendable, Equatable {
    /// The schema the values follow.
    package let schema: FeatureSchema
    /// Values by schema position.
    package var values: [Double]

    /// Creates a vector; `values.count` must equal `schema.count`.
    package init(schema: FeatureSchema, values: [Double]) {
        precondition(values.count == schema.count, "FeatureVector: \(values.count) values for \(schema.count) features")
        self.schema = schema
        self.values = values
    }

    /// The value of `name` (NaN when missing); nil when the schema has no such feature.
    package subscript(name: String) -> Double? {
        get { schema.index(of: name).map { values[$0] } }
    }

    /// Sets `name` to `value`; throws when the schema has no such feature.
    package mutating func set(_ name: String, _ value: Double) throws {
        guard let i = schema.index(of: name) else { throw DecisionsError(.schemaMismatch, "no feature named '\(name)' in the schema") }
        values[i] = value
    }

    /// Whether the value at `index` is missing.
    @inline(__always) package func isMissing(_ index: Int) -> Bool { values[index].isNaN }
}

/// A feature's signed contribution to a score.
package struct FeatureContribution: Sendable, Equatable {
    /// Feature (or, for ensembles, component) name.
    package let name: String
    /// Schema position of the feature, or -1 for a non-feature entry.
    package let index: Int
    /// Signed contribution in the score's units (margin for models, points for rules).
    package let value: Double

    /// Creates a contribution entry.
    package init(name: String, index: Int, value: Double) {
        self.name = name
        self.index = index
        self.value = value
    }
}

/// Selection of the largest contributions by absolute value.
package enum TopContributions {
    /// Indices of the `k` entries of `values` with the largest `abs(value)`, in
    /// descending order of magnitude; ties broken by lower index first, zeros skipped.
    /// Deterministic, O(n·k), no allocation beyond the result.
    package static func indices(_ values: UnsafeBufferPointer<Double>, k: Int) -> [Int] {
        var result: [Int] = []
        result.reserveCapacity(k)
        indices(values, k: k, into: &result)
        return result
    }

    /// As ``indices(_:k:into:)``, among the features the row has: entries whose
    /// `row` value is 0 or missing (an absent one-hot category, an event the lead
    /// never had) are skipped, whatever their contribution. A standardized linear
    /// model gives such features a contribution too, but a reason must name what
    /// the lead has or did.
    package static func indices(
        _ values: UnsafeBufferPointer<Double>, k: Int, present row: UnsafeBufferPointer<Double>, into result: inout [Int]
    ) {
        select(values, k: k, present: row, into: &result)
    }

    /// As ``indices(_:k:)`` but writes into `result` (cleared first), to reuse its storage.
    package static func indices(_ values: UnsafeBufferPointer<Double>, k: Int, into result: inout [Int]) {
        select(values, k: k, present: nil, into: &result)
    }

    /// The one selection behind both overloads; inlined into each, so the
    /// `present` test is a constant branch, not a call per candidate.
    @inline(__always)
    private static func select(
        _ values: UnsafeBufferPointer<Double>, k: Int, present row: UnsafeBufferPointer<Double>?, into result: inout [Int]
    ) {
        result.removeAll(keepingCapacity: true)
        guard k > 0 else { return }
        // Selected in a stack buffer (no array bookkeeping per candidate), then appended at once.
        withUnsafeTemporaryAllocation(of: Int.self, capacity: k) { top in
            var count = 0
            for i in 0..<values.count {
                let m = abs(values[i])
                guard m > 0 else { continue }
                if let row {
                    let x = row[i]
                    guard x != 0, !x.isNaN else { continue }
                }
                if count == k {
                    guard m > abs(values[top[k - 1]]) else { continue }
                    count -= 1
                }
                var pos = count
                while pos > 0 && abs(values[top[pos - 1]]) < m {
                    top[pos] = top[pos - 1]
                    pos -= 1
                }
                top[pos] = i
                count += 1
            }
            result.append(contentsOf: UnsafeBufferPointer(rebasing: top[0..<count]))
        }
    }
}
