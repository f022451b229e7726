import Foundation
import LeadLedgerCore
import Yams

/// One component of a `kind: ensemble` model in the scoring configuration.
package struct EnsembleComponentSource: Sendable, Equatable {
    /// What a component's file holds.
    package enum Kind: String, Sendable, CaseIterable {
        /// A points model (``RuleModel`` YAML).
        case rules
        /// A ``LogisticRegression`` artifact (its own calibration is not used: the ensemble calibrates).
        case logisticRegression = "logistic_regression"
        /// An XGBoost JSON model (`save_model`).
        case xgboost
        /// A LightGBM JSON dump (`dump_model`).
        case lightgbm
        /// A catalogue feature's value, taken as is.
        case feature
    }
    /// Component name: the key under `model.components`, matched with the ensemble artifact's component names.
    package var name: String
    package var kind: Kind
    /// Artifact path relative to the configuration file, or the feature name for `.feature`.
    package var reference: String

    package init(name: String, kind: Kind, reference: String) {
        self.name = name
        self.kind = kind
        self.reference = reference
    }
}
