/// A web, email or CRM-activity engagement of a lead.
package struct Engagement: Sendable, Equatable {
    package var action: EngagementAction
    package var category: ContentCategory
    /// Page path, clicked URL or tracked event name. With a master key, the query
    /// and fragment of a path or URL are sealed in the canonical log (``clearContent``).
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

    /// What the account graph reads of ``content``: the text before its first
    /// `?` or `#` (a URL's scheme, host and path). The query and the fragment of a
    /// page path or clicked URL, where URLs carry personal data (`?email=`), are
    /// sealed in the canonical log with a master key, so the graph's content
    /// nodes are the same with or without a key. (Tracked event names are not
    /// sealed: the forms count reads them whole.)
    package var clearContent: String? { content.map(Self.clearPart) }

    /// The text of `content` before its first `?` or `#` (`content` itself when it has neither).
    package static func clearPart(_ content: String) -> String {
        guard let end = content.utf8.firstIndex(where: { $0 == 0x3F || $0 == 0x23 }) else { return content }
        return String(content[..<end])
    }
}
