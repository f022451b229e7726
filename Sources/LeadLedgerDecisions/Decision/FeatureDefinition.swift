import Foundation
import LeadLedgerCore

/// One entry of the feature catalogue.
package struct FeatureDefinition: Sendable, Equatable {
    /// Feature name (the position in ``FeatureCatalogue/schema`` is the index in every row).
    package let name: String
    /// Component the feature belongs to (`fit`, `engagement`, `intent`, `account`).
    package let group: FeatureGroup
    /// What it means.
    package let meaning: String
    /// Where it comes from (projection field, graph query, decision state).
    package let source: String
    /// Unit of the value.
    package let unit: String
    /// Which way the feature may move a score (``FeatureDirection``).
    package let direction: FeatureDirection
}
