/// What happened in an engagement.
package enum EngagementAction: String, Sendable, CaseIterable, Codable {
    case pageView = "page_view"
    case track
    case processed, dropped, delivered, deferred, bounce, open, click, spamreport, unsubscribe
    case groupUnsubscribe = "group_unsubscribe"
    case groupResubscribe = "group_resubscribe"
    case call, meeting
    case emailReply = "email_reply"
    case note

    /// The channel the action belongs to.
    package var channel: SourceSystem {
        switch self {
        case .pageView, .track: .web
        case .call, .meeting, .emailReply, .note: .crm
        default: .email
        }
    }

    /// Whether the person did something (as opposed to delivery bookkeeping).
    package var isActive: Bool {
        switch self {
        case .processed, .dropped, .delivered, .deferred, .bounce: false
        default: true
        }
    }
}
