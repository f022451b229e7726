/// An opportunity as projected.
package struct OpportunityProfile: Sendable, Equatable {
    package var id: String
    package var account: AccountID?
    package var stage: String?
    package var amount: Double?
    package var closeDate: String?
    package var isClosed: Bool
    package var isWon: Bool
    package var contacts: [LeadID]
    package var updated: EventTime
}
