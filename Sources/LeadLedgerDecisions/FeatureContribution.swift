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
