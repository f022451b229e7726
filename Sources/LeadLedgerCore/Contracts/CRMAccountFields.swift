/// Payload of `account.upserted`.
package struct CRMAccountFields: Sendable, Equatable {
    package var accountID: String
    package var name: String?
    package var domain: String?
    package var industry: String?
    package var employees: Int?
    package var annualRevenue: Double?
    package var country: String?
    package var ownerID: String?
    package var parentDomain: String?
    /// Custom CRM fields (`custom`), sorted by key.
    package var custom: [CustomField] = []
    package init(accountID: String) { self.accountID = accountID }
}
