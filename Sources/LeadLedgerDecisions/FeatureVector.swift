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
