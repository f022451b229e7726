/// The typed payload of a canonical event; its case is the event's `kind`.
package enum CanonicalPayload: Sendable, Equatable {
    /// New identifiers attached to the lead. The first for a lead creates it.
    case identityLinked([Identifier])
    /// `absorbed` was merged into the event's lead (the survivor).
    case identityMerged(absorbed: LeadID)
    /// Attribute values, with the event's source and time as provenance.
    case attributes([AttributeValue])
    /// Custom CRM fields of the lead (sorted by key); each replaces the lead's value of its key.
    case customFields([CustomField])
    case engagement(Engagement)
    /// Account facts (the event has an account id and no lead id).
    case accountUpserted(AccountFacts)
    /// The lead belongs to the event's account.
    case accountLinked(AccountLinkMethod)
    case opportunity(OpportunityFacts)
    case outcome(kind: OutcomeKind, reason: String?, opportunityID: String?)
    case overrideSet(CRMOverrideFields)
    case overrideCleared
    /// Erase the lead's personal data (the log carries no email for it).
    case erasure

    /// The `kind` string written to the log.
    package var kind: String {
        switch self {
        case .identityLinked: "identity.linked"
        case .identityMerged: "identity.merged"
        case .attributes: "lead.attributes"
        case .customFields: "lead.custom_fields"
        case .engagement: "engagement"
        case .accountUpserted: "account.upserted"
        case .accountLinked: "account.linked"
        case .opportunity: "opportunity.upserted"
        case .outcome: "lead.outcome"
        case .overrideSet: "override.set"
        case .overrideCleared: "override.cleared"
        case .erasure: "privacy.erasure"
        }
    }
}
