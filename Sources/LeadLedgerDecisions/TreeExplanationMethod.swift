import Foundation
import LeadLedgerCore

/// How an ``Ensemble`` explains its tree components. Recorded in the artifact,
/// since the method changes the reported contributions.
package enum TreeExplanationMethod: String, Sendable, Equatable {
    /// Exact path-dependent TreeSHAP, recursive algorithm (O(T·L·D²) per row).
    case treeSHAP = "treeshap"
    /// Exact path-dependent TreeSHAP from precomputed tables (``TreeSHAPTable``;
    /// same values up to rounding, O(T·L·D) per row, 2^k·k doubles per leaf).
    case treeSHAPTable = "treeshap_table"
    /// Path attribution (Saabas): O(T·D) per row, additive, not Shapley values.
    case pathAttribution = "path"
}
