/// The feature sets a reader of audit records knows, by `feature_set` id: those
/// of the configured model, its shadows and every model version in the local
/// model store. A record naming a set that is not here still decodes; its
/// features are then named by index (``FeatureSet/name(_:)``).
package struct FeatureSets: Sendable {
    private var sets: [String: FeatureSet] = [:]

    /// No feature set: records decode with features named by index.
    package static let none = FeatureSets()

    package init() {}

    package init(_ sets: [FeatureSet]) {
        for set in sets { insert(set) }
    }

    package mutating func insert(_ set: FeatureSet) {
        sets[set.id] = set
    }

    /// The set named `id`, nil when unknown.
    package subscript(id: String) -> FeatureSet? { sets[id] }

    /// Every known set, by id.
    package var all: [FeatureSet] { sets.keys.sorted().map { sets[$0]! } }
}
