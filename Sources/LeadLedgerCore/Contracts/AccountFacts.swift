/// Firmographics of `account.upserted`.
package struct AccountFacts: Sendable, Equatable {
    package var name: String?
    package var domain: String?
    package var industry: String?
    package var employees: Int?
    package var annualRevenue: Double?
    package var country: String?
    package var ownerID: String?
    package var parent: AccountID?
    package var crmAccountID: String?
    /// Custom CRM fields of the account, sorted by key (only present ones).
    package var custom: [CustomField] = []
    package init() {}
}
