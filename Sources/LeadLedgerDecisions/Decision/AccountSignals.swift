import Foundation
import LeadLedgerCore

/// The account-level inputs of a feature row: the same for every contact of
/// the account at one event time, so computed once per account per event.
struct AccountSignals {
    var id: AccountID
    var employees: Int?
    var industry: String?
    var country: String?
    var ownerID: String?
    /// The account's domain is a competitor domain.
    var competitorDomain: Bool
    /// Contacts engaged in the window (with subsidiaries' contacts when it has any), sorted by lead id.
    var engaged: [LeadID]
    var coverage: Double
    var openOpportunities: Double
    /// `hierarchy` feature value (0 without parent or subsidiaries).
    var hierarchy: Double
    /// The account's custom CRM fields, sorted by key.
    var custom: [CustomField]
}
