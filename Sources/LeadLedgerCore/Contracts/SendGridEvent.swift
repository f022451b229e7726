/// One SendGrid webhook event from `email.events`.
package struct SendGridEvent: Sendable, Equatable {
    package var email: String
    package var timestamp: EventTime
    package var event: SendGridEventType
    package var sgEventID: String?
    package var sgMessageID: String?
    package var url: String?
    /// `category` as a list (a single string becomes one element).
    package var categories: [String]
    package var reason: String?
    /// Bounce `type` (`bounce` or `blocked`).
    package var bounceType: String?
    /// The `campaign_id` custom arg (string or integer in the source).
    package var campaignID: String?
    package var asmGroupID: Int?
}
