/// A lead's stable id, `ld_` + 16 lower-case hex digits.
///
/// Derived from the identifier the resolver first saw for the person
/// (``LeadIDScheme``: FNV-1a 64 of `lead|<kind>:<value>` without a master key,
/// HMAC-SHA-256 with one), fixed once written to the log (SPEC §8).
package struct LeadID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The 64-bit value.
    package var raw: UInt64

    /// Wraps a raw value.
    package init(raw: UInt64) { self.raw = raw }

    /// Parses `ld_<16 hex>` (lowercase hex digits only).
    package init?(_ text: String) {
        // Byte-wise (`canonical`): the former Character test (hasPrefix "ld_", 19 UTF-8
        // bytes, `UInt64(radix: 16)` of the rest, every digit `isHexDigit && !isUppercase`)
        // accepted exactly `ld_` + 16 ASCII lowercase hex digits too, since
        // `UInt64(_:radix:)` takes ASCII digits only and 16 of them fill the 19 bytes;
        // its Unicode property lookups were ~40% of `CanonicalEvent(json:)`.
        guard let id = Self.canonical(text) else { return nil }
        self = id
    }

    /// The id derived from `identifier` (with `attempt` > 0 only after an id collision).
    /// Without a master key (``LeadIDScheme/plain``); the resolver uses its configured scheme.
    package static func derived(from identifier: Identifier, attempt: Int = 0) -> LeadID {
        LeadIDScheme.plain.derive(from: identifier, attempt: attempt)
    }

    /// `ld_…`.
    package var description: String {
        String(unsafeUninitializedCapacity: 19) { out in
            out[0] = 0x6C
            out[1] = 0x64
            out[2] = 0x5F  // "ld_"
            Text.writeHex16(raw, into: out, at: 3)
            return 19
        }
    }

    /// The id whose ``description`` is exactly `text` (`ld_` + 16 lowercase hex digits), parsed without Unicode work; nil otherwise.
    static func canonical(_ text: String) -> LeadID? {
        var text = text
        return text.withUTF8 { b -> LeadID? in
            guard b.count == 19, b[0] == 0x6C, b[1] == 0x64, b[2] == 0x5F else { return nil }
            var v: UInt64 = 0
            for k in 3..<19 {
                let c = b[k]
                let d: UInt8
                switch c {
                case 0x30...0x39: d = c - 0x30
                case 0x61...0x66: d = c - 0x57
                default: return nil
                }
                v = v << 4 | UInt64(d)
            }
            return LeadID(raw: v)
        }
    }

    /// Orders by the text form (equal to ordering by `raw`).
    package static func < (a: LeadID, b: LeadID) -> Bool { a.raw < b.raw }
}

/// An account's id: the registrable domain (`acme.co.uk`) when the account
/// has a domain, else `crm:<source>:<crm id>` or `seg:<groupId>`.
package struct AccountID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The id text.
    package var rawValue: String
    /// Wraps an id.
    package init(_ rawValue: String) { self.rawValue = rawValue }
    package var description: String { rawValue }
    package static func < (a: AccountID, b: AccountID) -> Bool { a.rawValue.utf8.lexicographicallyPrecedes(b.rawValue.utf8) }
}

/// Kinds of person identifiers the resolver unions.
package enum IdentifierKind: String, Sendable, CaseIterable, Codable {
    /// A normalized email identity key (plus-tag removed).
    case email
    /// A CRM record id, qualified by CRM: `salesforce:00Q…`.
    case crmRecord = "crm_record"
    /// A Segment `userId`.
    case userID = "user_id"
    /// A Segment `anonymousId`.
    case anonymousID = "anonymous_id"
}

/// One identifier of a person.
package struct Identifier: Sendable, Hashable, Comparable, CustomStringConvertible {
    package var kind: IdentifierKind
    package var value: String
    package init(_ kind: IdentifierKind, _ value: String) {
        self.kind = kind
        self.value = value
    }
    /// `kind:value`, the union-find key.
    package var key: String { kind.rawValue + ":" + value }
    package var description: String { key }
    package static func < (a: Identifier, b: Identifier) -> Bool { a.key.utf8.lexicographicallyPrecedes(b.key.utf8) }
}

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

/// Lead attributes carried by `lead.attributes` events (values normalized).
package enum AttributeName: String, Sendable, CaseIterable, Codable {
    case email
    case firstName = "first_name"
    case lastName = "last_name"
    case title, phone, company, website, country, state, employees
    case annualRevenue = "annual_revenue"
    case industry
    case leadSource = "lead_source"
    case seniority
    case jobFunction = "function"
    case buyingRole = "buying_role"

    /// Dense index, for fixed slots in projections.
    package var index: Int {
        switch self {
        case .email: 0
        case .firstName: 1
        case .lastName: 2
        case .title: 3
        case .phone: 4
        case .company: 5
        case .website: 6
        case .country: 7
        case .state: 8
        case .employees: 9
        case .annualRevenue: 10
        case .industry: 11
        case .leadSource: 12
        case .seniority: 13
        case .jobFunction: 14
        case .buyingRole: 15
        }
    }
}

/// One attribute value.
package struct AttributeValue: Sendable, Equatable {
    package var name: AttributeName
    package var value: String
    package init(_ name: AttributeName, _ value: String) {
        self.name = name
        self.value = value
    }
}

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

/// How a lead was matched to an account, strongest first:
/// crm_opportunity > segment_group > website > email_domain > company_name.
package enum AccountLinkMethod: String, Sendable, CaseIterable, Codable, Comparable {
    case companyName = "company_name"
    case emailDomain = "email_domain"
    case website
    case segmentGroup = "segment_group"
    case crmOpportunity = "crm_opportunity"

    /// Strength; a weaker method never replaces a stronger link.
    package var strength: Int {
        switch self {
        case .companyName: 1
        case .emailDomain: 2
        case .website: 3
        case .segmentGroup: 4
        case .crmOpportunity: 5
        }
    }
    package static func < (a: Self, b: Self) -> Bool { a.strength < b.strength }
}

/// Firmographics of `account.upserted`.
package struct AccountFacts: Sendable, Equatable {
    package var name: String?
    package var domain: String?
    package var industry: String?
    package var employees: Int?
    package var annualRevenue: Double?
    package var country: String?
    package var ownerID: String?
    package var parent: AccountID?
    package var crmAccountID: String?
    /// Custom CRM fields of the account, sorted by key (only present ones).
    package var custom: [CustomField] = []
    package init() {}
}

/// An opportunity as the log carries it.
package struct OpportunityFacts: Sendable, Equatable {
    package var opportunityID: String
    package var stage: String?
    package var amount: Double?
    package var closeDate: String?
    package var isClosed: Bool?
    package var isWon: Bool?
    /// Leads named as contacts (resolved from `contact_emails`).
    package var contacts: [LeadID]
    package init(opportunityID: String) {
        self.opportunityID = opportunityID
        self.contacts = []
    }
}

/// Outcome kinds that feed the feedback loop.
package enum OutcomeKind: String, Sendable, CaseIterable, Codable {
    case converted, disqualified
}

/// The typed payload of a canonical event; its case is the event's `kind`.
package enum CanonicalPayload: Sendable, Equatable {
    /// New identifiers attached to the lead. The first for a lead creates it.
    case identityLinked([Identifier])
    /// `absorbed` was merged into the event's lead (the survivor).
    case identityMerged(absorbed: LeadID)
    /// Attribute values, with the event's source and time as provenance.
    case attributes([AttributeValue])
    /// Custom CRM fields of the lead (sorted by key); each replaces the lead's value of its key.
    case customFields([CustomField])
    case engagement(Engagement)
    /// Account facts (the event has an account id and no lead id).
    case accountUpserted(AccountFacts)
    /// The lead belongs to the event's account.
    case accountLinked(AccountLinkMethod)
    case opportunity(OpportunityFacts)
    case outcome(kind: OutcomeKind, reason: String?, opportunityID: String?)
    case overrideSet(CRMOverrideFields)
    case overrideCleared
    /// Erase the lead's personal data (the log carries no email for it).
    case erasure

    /// The `kind` string written to the log.
    package var kind: String {
        switch self {
        case .identityLinked: "identity.linked"
        case .identityMerged: "identity.merged"
        case .attributes: "lead.attributes"
        case .customFields: "lead.custom_fields"
        case .engagement: "engagement"
        case .accountUpserted: "account.upserted"
        case .accountLinked: "account.linked"
        case .opportunity: "opportunity.upserted"
        case .outcome: "lead.outcome"
        case .overrideSet: "override.set"
        case .overrideCleared: "override.cleared"
        case .erasure: "privacy.erasure"
        }
    }
}

/// Where a canonical event came from: the source message and the event's
/// ordinal among the canonical events derived from that message.
package struct Lineage: Sendable, Equatable {
    package var position: SourcePosition
    /// 0-based ordinal among the canonical events of one source message.
    package var seq: Int
    /// The source's own event id (`event_id`, `messageId`, `sg_event_id`), if any.
    package var externalID: String?
    package var system: SourceSystem
    package init(position: SourcePosition, seq: Int, externalID: String?, system: SourceSystem) {
        self.position = position
        self.seq = seq
        self.externalID = externalID
        self.system = system
    }
}

/// A record of `leadledger.events`, the canonical append-only log: a
/// resolved, normalized event keyed by account (``key``).
///
/// JSON shape (`schemas/leadledger.events.schema.json`), keys sorted:
/// ```json
/// {"account_id":"acme.io","event_id":"ev_…","event_time":"2024-04-02T08:30:00.000Z",
///  "kind":"engagement","lead_id":"ld_…","payload":{…},"schema_version":1,
///  "source":{"external_id":"…","offset":17,"partition":0,"seq":0,"system":"web","topic":"web.events"}}
/// ```
package struct CanonicalEvent: Sendable, Equatable {
    /// Version of the log record format.
    package static let schemaVersion = 1

    package var eventTime: EventTime
    package var leadID: LeadID?
    package var accountID: AccountID?
    package var lineage: Lineage
    package var payload: CanonicalPayload

    package init(eventTime: EventTime, leadID: LeadID?, accountID: AccountID?, lineage: Lineage, payload: CanonicalPayload) {
        self.eventTime = eventTime
        self.leadID = leadID
        self.accountID = accountID
        self.lineage = lineage
        self.payload = payload
    }

    /// `ev_` + FNV-1a 64 of `topic/partition/offset/seq`: the same source
    /// message always yields the same event ids.
    package var eventID: String {
        let p = lineage.position
        return "ev_" + Text.hex16(StableHash.of("\(p.topic)/\(p.partition)/\(p.offset)/\(lineage.seq)"))
    }

    /// The Kafka key: the account id, else the lead id.
    package var key: String { accountID?.rawValue ?? leadID?.description ?? "unresolved" }
}
