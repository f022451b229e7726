/// Payload of `opportunity.created` / `opportunity.stage_changed`.
package struct CRMOpportunityFields: Sendable, Equatable {
    package var opportunityID: String
    package var accountDomain: String?
    package var stage: String?
    package var amount: Double?
    package var closeDate: String?
    package var isClosed: Bool?
    package var isWon: Bool?
    package var contactEmails: [String]
    package init(opportunityID: String) {
        self.opportunityID = opportunityID
        self.contactEmails = []
    }
}
