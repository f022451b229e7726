/// A lead as the decision engine sees it.
package struct LeadProfile: Sendable, Equatable {
    package var id: LeadID
    /// Identifiers, in the order they were linked.
    package var identifiers: [Identifier]
    /// Attributes in ``AttributeName`` order.
    package var attributes: [AttributedValue]
    package var account: AccountID?
    package var accountLink: AccountLinkMethod?
    package var engagement: EngagementAggregate
    package var emailHealth: EmailHealth
    package var outcome: OutcomeRecord?
    package var override: OverrideRecord?
    /// Leads merged into this one (their decision history belongs to this lead now).
    package var absorbed: [LeadID]
    package var erased: Bool
    /// Custom CRM fields, sorted by key.
    package var custom: [CustomField] = []

    /// The value of one attribute.
    package func attribute(_ name: AttributeName) -> AttributedValue? { attributes.first { $0.name == name } }
}
