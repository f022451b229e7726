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
