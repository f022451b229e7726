/// Email deliverability state of a lead.
package struct EmailHealth: OptionSet, Sendable, Hashable {
    package let rawValue: UInt8
    package init(rawValue: UInt8) { self.rawValue = rawValue }
    package static let bounced = EmailHealth(rawValue: 1 << 0)
    package static let unsubscribed = EmailHealth(rawValue: 1 << 1)
    package static let groupUnsubscribed = EmailHealth(rawValue: 1 << 2)
    package static let spamReported = EmailHealth(rawValue: 1 << 3)
    package static let dropped = EmailHealth(rawValue: 1 << 4)
}
