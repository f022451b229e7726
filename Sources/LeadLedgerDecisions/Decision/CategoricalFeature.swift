import Foundation
import LeadLedgerCore

/// A categorical lead attribute one-hot encoded over a fixed value list.
package struct CategoricalFeature: Sendable, Equatable {
    /// The attribute (e.g. `lead_source`, `title`, `industry`).
    package var attribute: AttributeName
    /// Values in column order; matched exactly (case-sensitive) against the normalized attribute value.
    package var values: [String]
    /// When set, the attribute value is split on it and each part is matched (e.g. `"origin / source"`).
    package var separator: String?
    package init(attribute: AttributeName, values: [String], separator: String? = nil) {
        self.attribute = attribute
        self.values = values
        self.separator = separator
    }
}
