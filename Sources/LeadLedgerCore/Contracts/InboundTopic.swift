/// The three inbound topics (SPEC §2).
package enum InboundTopic: String, Sendable, CaseIterable, Codable {
    /// LeadLedger's CRM change-event contract.
    case crm = "crm.events"
    /// Segment Spec calls.
    case web = "web.events"
    /// SendGrid Event Webhook events.
    case email = "email.events"
}
