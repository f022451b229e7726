/// The three inbound topics (SPEC §2).
public enum InboundTopic: String, Sendable, CaseIterable, Codable {
    /// LeadLedger's CRM change-event contract.
    case crm = "crm.events"
    /// Segment Spec calls.
    case web = "web.events"
    /// SendGrid Event Webhook events.
    case email = "email.events"
}

/// Where a message came from: topic, partition, offset. Lineage for every output.
public struct SourcePosition: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Kafka topic name.
    public var topic: String
    /// Partition number.
    public var partition: Int32
    /// Offset within the partition.
    public var offset: Int64

    /// Creates a position.
    public init(topic: String, partition: Int32, offset: Int64) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
    }

    /// Orders by topic, partition, offset.
    public static func < (a: SourcePosition, b: SourcePosition) -> Bool {
        if a.topic != b.topic { return a.topic.utf8.lexicographicallyPrecedes(b.topic.utf8) }
        if a.partition != b.partition { return a.partition < b.partition }
        return a.offset < b.offset
    }

    /// `topic/partition@offset`.
    public var description: String { "\(topic)/\(partition)@\(offset)" }
}

/// A decoded, schema-valid inbound event.
public enum InboundEvent: Sendable, Equatable {
    case crm(CRMEvent)
    case web(SegmentEvent)
    case email(SendGridEvent)

    /// The event time the event carries.
    public var eventTime: EventTime {
        switch self {
        case .crm(let e): e.occurredAt
        case .web(let e): e.timestamp
        case .email(let e): e.timestamp
        }
    }
}

// MARK: - CRM

/// `crm.events` event types (SPEC §2).
public enum CRMEventType: String, Sendable, CaseIterable, Codable {
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
public struct CRMPersonFields: Sendable, Equatable {
    public var email: String?
    public var firstName: String?
    public var lastName: String?
    public var title: String?
    public var phone: String?
    public var company: String?
    public var website: String?
    public var country: String?
    public var state: String?
    public var employees: Int?
    public var annualRevenue: Double?
    public var industry: String?
    public var leadSource: String?
    /// Custom CRM fields (`custom`), sorted by key.
    public var custom: [CustomField] = []
    public init() {}
}

/// Payload of `account.upserted`.
public struct CRMAccountFields: Sendable, Equatable {
    public var accountID: String
    public var name: String?
    public var domain: String?
    public var industry: String?
    public var employees: Int?
    public var annualRevenue: Double?
    public var country: String?
    public var ownerID: String?
    public var parentDomain: String?
    /// Custom CRM fields (`custom`), sorted by key.
    public var custom: [CustomField] = []
    public init(accountID: String) { self.accountID = accountID }
}

/// Payload of `opportunity.created` / `opportunity.stage_changed`.
public struct CRMOpportunityFields: Sendable, Equatable {
    public var opportunityID: String
    public var accountDomain: String?
    public var stage: String?
    public var amount: Double?
    public var closeDate: String?
    public var isClosed: Bool?
    public var isWon: Bool?
    public var contactEmails: [String]
    public init(opportunityID: String) {
        self.opportunityID = opportunityID
        self.contactEmails = []
    }
}

/// Kinds of `activity.logged`.
public enum CRMActivityKind: String, Sendable, CaseIterable, Codable {
    case call, meeting
    case emailReply = "email_reply"
    case note
}

/// Payload of `activity.logged`.
public struct CRMActivityFields: Sendable, Equatable {
    public var kind: CRMActivityKind
    public var email: String
    public var outcome: String?
}

/// Payload of `override.set`: a person pins a lead's route.
public struct CRMOverrideFields: Sendable, Equatable {
    public var tier: Tier?
    public var queue: String?
    public var ownerID: String?
    public var setBy: String?
    public var note: String?
    public init() {}
}

/// One event of the CRM change-event contract.
public struct CRMEvent: Sendable, Equatable {
    /// The payload object that goes with ``type``.
    public enum Payload: Sendable, Equatable {
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

    public var eventID: String
    public var type: CRMEventType
    public var occurredAt: EventTime
    /// The CRM that emitted the event (`salesforce`, `hubspot`, ...), lower-cased.
    public var source: String
    /// CRM record id of the lead/contact/account the event is about.
    public var recordID: String?
    public var payload: Payload
}

// MARK: - Segment

/// Segment call types LeadLedger handles.
public enum SegmentCallType: String, Sendable, CaseIterable, Codable {
    case identify, track, page, group
}

/// The traits LeadLedger reads from `identify` (person) and `group` (company) calls.
public struct SegmentTraits: Sendable, Equatable {
    public var email: String?
    public var name: String?
    public var firstName: String?
    public var lastName: String?
    public var title: String?
    public var phone: String?
    /// `traits.company` as a string, or `traits.company.name`.
    public var company: String?
    public var website: String?
    public var domain: String?
    public var country: String?
    public var employees: Int?
    public var industry: String?
    public init() {}
}

/// One Segment Spec call from `web.events`.
public struct SegmentEvent: Sendable, Equatable {
    public var type: SegmentCallType
    public var messageID: String
    public var userID: String?
    public var anonymousID: String?
    public var timestamp: EventTime
    /// `track` event name.
    public var event: String?
    /// `page` name.
    public var name: String?
    /// `context.page.url`, else `properties.url`.
    public var pageURL: String?
    /// `context.page.path`, else `properties.path`.
    public var pagePath: String?
    public var referrer: String?
    /// `context.campaign.name`.
    public var campaign: String?
    /// `properties.category` when it is a string.
    public var category: String?
    public var groupID: String?
    public var traits: SegmentTraits
    public var ip: String?
    public var userAgent: String?
}

// MARK: - SendGrid

/// SendGrid Event Webhook event types.
public enum SendGridEventType: String, Sendable, CaseIterable, Codable {
    case processed, dropped, delivered, deferred, bounce, open, click, spamreport, unsubscribe
    case groupUnsubscribe = "group_unsubscribe"
    case groupResubscribe = "group_resubscribe"
}

/// One SendGrid webhook event from `email.events`.
public struct SendGridEvent: Sendable, Equatable {
    public var email: String
    public var timestamp: EventTime
    public var event: SendGridEventType
    public var sgEventID: String?
    public var sgMessageID: String?
    public var url: String?
    /// `category` as a list (a single string becomes one element).
    public var categories: [String]
    public var reason: String?
    /// Bounce `type` (`bounce` or `blocked`).
    public var bounceType: String?
    /// The `campaign_id` custom arg (string or integer in the source).
    public var campaignID: String?
    public var asmGroupID: Int?
}
