/// Which topic family an event came from; also the attribute source priority.
package enum SourceSystem: String, Sendable, CaseIterable, Codable, Comparable {
    /// `email.events` (SendGrid) — priority 1.
    case email
    /// `web.events` (Segment; self-reported traits) — priority 2.
    case web
    /// `crm.events` (curated by people) — priority 3, the highest.
    case crm

    /// Attribute conflict priority: crm > web > email.
    package var priority: Int {
        switch self {
        case .email: 1
        case .web: 2
        case .crm: 3
        }
    }
    package static func < (a: SourceSystem, b: SourceSystem) -> Bool { a.priority < b.priority }

    /// The system of an inbound topic.
    package init(topic: InboundTopic) {
        switch topic {
        case .crm: self = .crm
        case .web: self = .web
        case .email: self = .email
        }
    }
}
