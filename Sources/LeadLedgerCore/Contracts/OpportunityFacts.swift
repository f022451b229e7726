/// An opportunity as the log carries it.
package struct OpportunityFacts: Sendable, Equatable {
    package var opportunityID: String
    package var stage: String?
    package var amount: Double?
    package var closeDate: String?
    package var isClosed: Bool?
    package var isWon: Bool?
    /// Leads named as contacts (resolved from `contact_emails`).
    package var contacts: [LeadID]
    package init(opportunityID: String) {
        self.opportunityID = opportunityID
        self.contacts = []
    }
}
