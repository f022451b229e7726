/// One Segment Spec call from `web.events`.
package struct SegmentEvent: Sendable, Equatable {
    package var type: SegmentCallType
    package var messageID: String
    package var userID: String?
    package var anonymousID: String?
    package var timestamp: EventTime
    /// `track` event name.
    package var event: String?
    /// `page` name.
    package var name: String?
    /// `context.page.url`, else `properties.url`.
    package var pageURL: String?
    /// `context.page.path`, else `properties.path`.
    package var pagePath: String?
    package var referrer: String?
    /// `context.campaign.name`.
    package var campaign: String?
    /// `properties.category` when it is a string.
    package var category: String?
    package var groupID: String?
    package var traits: SegmentTraits
    package var ip: String?
    package var userAgent: String?
}

// MARK: - SendGrid
