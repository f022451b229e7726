import Foundation
import LeadLedgerCore

/// A named, weighted ensemble input.
package struct EnsembleComponent: Sendable {
    /// Component name, e.g. `fit`, `engagement`, `intent`, `propensity`, `account`.
    package let name: String
    /// The model producing the component output.
    package let model: EnsembleModel
    /// Weight of the component's output in the combined margin.
    package let weight: Double
    /// Version of the model (content hash) recorded in the ensemble artifact.
    package let modelVersion: String

    /// Creates a component. `modelVersion` is the model's content version
    /// (rule config hash, artifact hash or dump hash; the feature name for `.feature`).
    package init(name: String, model: EnsembleModel, weight: Double, modelVersion: String) {
        self.name = name
        self.model = model
        self.weight = weight
        self.modelVersion = modelVersion
    }
}
