/// The three inbound topics (SPEC §2).
package enum InboundTopic: String, Sendable, CaseIterable, Codable {
    /// LeadLedger's CRM change-event contract.
    case crm = "crm.events"
    /// Segment Spec calls.
    case web = "web.events"
    /// SendGrid Event Webhook events.
    case email = "email.events"
}

/// Where a message came from: topic, partition, offset. Lineage for every output.
package struct SourcePosition: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Kafka topic name.
    package var topic: String
    /// Partition number.
    package var partition: Int32
    /// Offset within the partition.
    package var offset: Int64

    /// Creates a position.
    package init(topic: String, partition: Int32, offset: Int64) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
    }

    /// Orders by topic, partition, offset.
    package static func < (a: SourcePosition, b: SourcePosition) -> Bool {
        if a.topic != b.topic { return a.topic.utf8.lexicographicallyPrecedes(b.topic.utf8) }
        if a.partition != b.partition { return a.partition < b.partition }
        return a.offset < b.offset
    }

    /// `topic/partition@offset`.
    package var description: String { "\(topic)/\(partition)@\(offset)" }
}

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

/// `crm.events` event types (SPEC §2).
package enum CRMEventType: String, Sendable, CaseIterable, Codable {
    case leadCreated = "lead.created"
    case leadUpdated = "lead.updated"
    case contactCreated = "contact.created"
    case contactUpdated = "contact.updated"
    case accountUpserted = "account.upserted"
    case opportunityCreated = "opportunity.created"
    case opportunityStageChanged = "opportunity.stage_changed"
    case activityLogged = "activity.logged"
    case leadConverted = "lead.converted"
    case leadDisqualified = "lead.disqualified"
    case overrideSet = "override.set"
    case overrideCleared = "override.cleared"
    case privacyErasure = "privacy.erasure"
}

/// Person fields of `lead.*` / `contact.*` events. Every field is optional;
/// updates carry only changed fields. A JSON `null` is read as "not given".
package struct CRMPersonFields: Sendable, Equatable {
    package var email: String?
    package var firstName: String?
    package var lastName: String?
    package var title: String?
    package var phone: String?
    package var company: String?
    package var website: String?
    package var country: String?
    package var state: String?
    package var employees: Int?
    package var annualRevenue: Double?
    package var industry: String?
    package var leadSource: String?
    /// Custom CRM fields (`custom`), sorted by key.
    package var custom: [CustomField] = []
    package init() {}
}

/// Payload of `account.upserted`.
package struct CRMAccountFields: Sendable, Equatable {
    package var accountID: String
    package var name: String?
    package var domain: String?
    package var industry: String?
    package var employees: Int?
    package var annualRevenue: Double?
    package var country: String?
    package var ownerID: String?
    package var parentDomain: String?
    /// Custom CRM fields (`custom`), sorted by key.
    package var custom: [CustomField] = []
    package init(accountID: String) { self.accountID = accountID }
}

/// Payload of `opportunity.created` / `opportunity.stage_changed`.
package struct CRMOpportunityFields: Sendable, Equatable {
    package var opportunityID: String
    package var accountDomain: String?
    package var stage: String?
    package var amount: Double?
    package var closeDate: String?
    package var isClosed: Bool?
    package var isWon: Bool?
    package var contactEmails: [String]
    package init(opportunityID: String) {
        self.opportunityID = opportunityID
        self.contactEmails = []
    }
}

/// Kinds of `activity.logged`.
package enum CRMActivityKind: String, Sendable, CaseIterable, Codable {
    case call, meeting
    case emailReply = "email_reply"
    case note
}

/// Payload of `activity.logged`.
package struct CRMActivityFields: Sendable, Equatable {
    package var kind: CRMActivityKind
    package var email: String
    package var outcome: String?
}

/// Payload of `override.set`: a person pins a lead's route.
package struct CRMOverrideFields: Sendable, Equatable {
    package var tier: Tier?
    package var queue: String?
    package var ownerID: String?
    package var setBy: String?
    package var note: String?
    package init() {}
}

/// One event of the CRM change-event contract.
package struct CRMEvent: Sendable, Equatable {
    /// The payload object that goes with ``type``.
    package enum Payload: Sendable, Equatable {
        case person(CRMPersonFields)
        case account(CRMAccountFields)
        case opportunity(CRMOpportunityFields)
        case activity(CRMActivityFields)
        /// `lead.converted` / `lead.disqualified`.
        case outcome(reason: String?, email: String?, opportunityID: String?)
        /// `override.set` carries fields; `override.cleared` carries none.
        case override(CRMOverrideFields?)
        /// `privacy.erasure` by email.
        case erasure(email: String)
    }

    package var eventID: String
    package var type: CRMEventType
    package var occurredAt: EventTime
    /// The CRM that emitted the event (`salesforce`, `hubspot`, ...), lower-cased.
    package var source: String
    /// CRM record id of the lead/contact/account the event is about.
    package var recordID: String?
    package var payload: Payload
}

// MARK: - Segment

/// Segment call types LeadLedger handles.
package enum SegmentCallType: String, Sendable, CaseIterable, Codable {
    case identify, track, page, group
}

/// The traits LeadLedger reads from `identify` (person) and `group` (company) calls.
package struct SegmentTraits: Sendable, Equatable {
    package var email: String?
    package var name: String?
    package var firstName: String?
    package var lastName: String?
    package var title: String?
    package var phone: String?
    /// `traits.company` as a string, or `traits.company.name`.
    package var company: String?
    package var website: String?
    package var domain: String?
    package var country: String?
    package var employees: Int?
    package var industry: String?
    package init() {}
}

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

/// SendGrid Event Webhook event types.
package enum SendGridEventType: String, Sendable, CaseIterable, Codable {
    case processed, dropped, delivered, deferred, bounce, open, click, spamreport, unsubscribe
    case groupUnsubscribe = "group_unsubscribe"
    case groupResubscribe = "group_resubscribe"
}

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
