import LeadLedgerDecisions

/// What `leadledger features --format json` prints (schemas/cli/features.schema.json):
/// a model version's feature list, the names and descriptions that schema_version 3
/// audit records leave out and name by `feature_set` and index.
struct FeatureSetReport: Encodable, Sendable {
    struct Feature: Encodable, Sendable {
        var index: Int
        var name: String
        var group: String
        var meaning: String
        var source: String
        var unit: String
        var direction: String
    }

    var modelVersion: String
    var featureSet: String
    var features: [Feature]

    enum CodingKeys: String, CodingKey {
        case modelVersion = "model_version"
        case featureSet = "feature_set"
        case features
    }

    /// The report of a model's decision configuration.
    init(_ configuration: DecisionConfiguration) {
        modelVersion = configuration.modelVersion
        featureSet = configuration.featureSet.id
        let definitions = configuration.extractor.definitions
        features = configuration.extractor.schema.names.enumerated().map { index, name in
            let d = index < definitions.count ? definitions[index] : nil
            return Feature(
                index: index, name: name, group: d?.group.rawValue ?? "", meaning: d?.meaning ?? "", source: d?.source ?? "",
                unit: d?.unit ?? "", direction: d?.direction.rawValue ?? "free")
        }
    }

    /// One line per feature: `index  name  (group, unit): meaning`, under a heading.
    var text: String {
        var out = "model_version: \(modelVersion)\nfeature_set: \(featureSet)\n"
        for f in features {
            let index = String(f.index).padding(toLength: 4, withPad: " ", startingAt: 0)
            out += "\(index)\(f.name)  (\(f.group), \(f.unit), \(f.direction)): \(f.meaning)\n"
        }
        return out
    }
}
