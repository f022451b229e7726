/// `crm.events` event types (SPEC §2).
package enum CRMEventType: String, Sendable, CaseIterable, Codable {
    case leadCreated = "lead.created"
    case leadUpdated = "lead.updated"
    case contactCreated = "contact.created"
    case contactUpdated = "contact.updated"
    case accountUpserted = "account.upserted"
    case opportunityCreated = "opportunity.created"
    case opportunityStageChanged = "opportunity.stage_changed"
    case activityLogged = "activity.logged"
    case leadConverted = "lead.converted"
    case leadDisqualified = "lead.disqualified"
    case overrideSet = "override.set"
    case overrideCleared = "override.cleared"
    case privacyErasure = "privacy.erasure"
}
