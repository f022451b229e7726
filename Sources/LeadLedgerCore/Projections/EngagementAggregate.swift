/// A lead's engagement counters (small and fixed-size).
package struct EngagementAggregate: Sendable, Equatable {
    package var pageViews: UInt32 = 0
    package var tracks: UInt32 = 0
    package var emailsDelivered: UInt32 = 0
    package var emailOpens: UInt32 = 0
    package var emailClicks: UInt32 = 0
    package var crmActivities: UInt32 = 0
    /// Engagements with a high-intent category (pricing, demo, contact, docs).
    package var highIntent: UInt32 = 0
    /// First and last active engagement (epoch ms); `Int64.max`/`Int64.min` when none.
    package var firstEngaged: Int64 = .max
    package var lastEngaged: Int64 = .min
    package var lastHighIntent: Int64 = .min

    package init() {}

    /// Active engagements in total.
    package var total: UInt32 { pageViews &+ tracks &+ emailOpens &+ emailClicks &+ crmActivities }

    mutating func add(_ o: EngagementAggregate) {
        pageViews &+= o.pageViews
        tracks &+= o.tracks
        emailsDelivered &+= o.emailsDelivered
        emailOpens &+= o.emailOpens
        emailClicks &+= o.emailClicks
        crmActivities &+= o.crmActivities
        highIntent &+= o.highIntent
        firstEngaged = min(firstEngaged, o.firstEngaged)
        lastEngaged = max(lastEngaged, o.lastEngaged)
        lastHighIntent = max(lastHighIntent, o.lastHighIntent)
    }
}
