/// A web, email or CRM-activity engagement of a lead.
package struct Engagement: Sendable, Equatable {
    package var action: EngagementAction
    package var category: ContentCategory
    /// Page path, clicked URL or tracked event name.
    package var content: String?
    package var campaign: String?
    /// Bounce type/reason, activity outcome.
    package var detail: String?
    package init(
        action: EngagementAction, category: ContentCategory, content: String? = nil, campaign: String? = nil, detail: String? = nil
    ) {
        self.action = action
        self.category = category
        self.content = content
        self.campaign = campaign
        self.detail = detail
    }
}
