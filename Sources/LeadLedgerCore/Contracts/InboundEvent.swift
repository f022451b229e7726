/// A decoded, schema-valid inbound event.
package enum InboundEvent: Sendable, Equatable {
    case crm(CRMEvent)
    case web(SegmentEvent)
    case email(SendGridEvent)

    /// The event time the event carries.
    package var eventTime: EventTime {
        switch self {
        case .crm(let e): e.occurredAt
        case .web(let e): e.timestamp
        case .email(let e): e.timestamp
        }
    }
}

// MARK: - CRM
