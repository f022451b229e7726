/// An account as the decision engine sees it.
package struct AccountProfile: Sendable, Equatable {
    package var id: AccountID
    package var name: String?
    package var domain: String?
    package var industry: String?
    package var employees: Int?
    package var annualRevenue: Double?
    package var country: String?
    package var ownerID: String?
    package var parent: AccountID?
    /// Direct subsidiaries, sorted by id.
    package var subsidiaries: [AccountID]
    /// Contacts, sorted by lead id.
    package var contacts: [Contact]
    /// Opportunities, sorted by id.
    package var opportunities: [OpportunityProfile]
    /// The account's own engagement (see ``Ledger/rolledUpEngagement(of:)`` for the hierarchy).
    package var engagement: AccountEngagement
    /// Custom CRM fields, sorted by key.
    package var custom: [CustomField] = []
}
