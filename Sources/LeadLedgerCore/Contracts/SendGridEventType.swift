/// SendGrid Event Webhook event types.
package enum SendGridEventType: String, Sendable, CaseIterable, Codable {
    case processed, dropped, delivered, deferred, bounce, open, click, spamreport, unsubscribe
    case groupUnsubscribe = "group_unsubscribe"
    case groupResubscribe = "group_resubscribe"
}
