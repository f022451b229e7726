/// Where an attribute value came from: the source system and event time.
package struct Provenance: Sendable, Equatable {
    package var source: SourceSystem
    package var eventTime: EventTime
}

/// An attribute value with its provenance.
package struct AttributedValue: Sendable, Equatable {
    package var name: AttributeName
    package var value: String
    package var provenance: Provenance
}

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

/// A recorded outcome (feedback for the propensity model).
package struct OutcomeRecord: Sendable, Equatable {
    package var kind: OutcomeKind
    package var reason: String?
    package var opportunityID: String?
    package var eventTime: EventTime
}

/// A manual route pin.
package struct OverrideRecord: Sendable, Equatable {
    package var fields: CRMOverrideFields
    package var eventTime: EventTime
}

/// What applying an event changed, for the decision engine.
package enum ProjectionEffect: Sendable, Equatable {
    /// The lead's profile changed: re-score it.
    case leadChanged(LeadID)
    /// `absorbed` was merged into `survivor`: close the absorbed lead's route,
    /// link its decision history to the survivor, and re-decide the survivor.
    case leadMerged(survivor: LeadID, absorbed: LeadID)
    /// Account facts or its contacts/opportunities changed: account signals of its contacts may change.
    case accountChanged(AccountID)
    /// An outcome was recorded (feedback loop).
    case outcomeRecorded(LeadID, OutcomeKind)
    /// A manual override was set or cleared.
    case overrideChanged(LeadID)
    /// The lead's personal data was erased; its route should be closed.
    case leadErased(LeadID)
    /// The event's source position was already applied: nothing changed.
    case duplicateIgnored
}

/// A contact of an account, with its buying-center classification.
package struct Contact: Sendable, Equatable {
    package var lead: LeadID
    package var role: BuyingRole
    package var seniority: Seniority
    package var function: JobFunction
    package var lastEngaged: EventTime?
}

/// A lead as the decision engine sees it.
package struct LeadProfile: Sendable, Equatable {
    package var id: LeadID
    /// Identifiers, in the order they were linked.
    package var identifiers: [Identifier]
    /// Attributes in ``AttributeName`` order.
    package var attributes: [AttributedValue]
    package var account: AccountID?
    package var accountLink: AccountLinkMethod?
    package var engagement: EngagementAggregate
    package var emailHealth: EmailHealth
    package var outcome: OutcomeRecord?
    package var override: OverrideRecord?
    /// Leads merged into this one (their decision history belongs to this lead now).
    package var absorbed: [LeadID]
    package var erased: Bool
    /// Custom CRM fields, sorted by key.
    package var custom: [CustomField] = []

    /// The value of one attribute.
    package func attribute(_ name: AttributeName) -> AttributedValue? { attributes.first { $0.name == name } }
}

/// An opportunity as projected.
package struct OpportunityProfile: Sendable, Equatable {
    package var id: String
    package var account: AccountID?
    package var stage: String?
    package var amount: Double?
    package var closeDate: String?
    package var isClosed: Bool
    package var isWon: Bool
    package var contacts: [LeadID]
    package var updated: EventTime
}

/// Eleven counters, one per ``ContentCategory``, stored inline (no heap).
package struct CategoryCounts: Sendable, Equatable {
    var storage: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
    )
    /// Number of counters.
    package static let count = 11

    package init() {}

    /// The counter of category index `i` (``ContentCategory/index``).
    package subscript(_ i: Int) -> UInt32 {
        get {
            precondition(i >= 0 && i < Self.count)
            return withUnsafeBytes(of: storage) { $0.load(fromByteOffset: i * 4, as: UInt32.self) }
        }
        set {
            precondition(i >= 0 && i < Self.count)
            withUnsafeMutableBytes(of: &storage) { $0.storeBytes(of: newValue, toByteOffset: i * 4, as: UInt32.self) }
        }
    }

    package static func == (a: Self, b: Self) -> Bool { (0..<count).allSatisfy { a[$0] == b[$0] } }
}

/// Per-account interaction counts by ``ContentCategory`` plus totals.
package struct AccountEngagement: Sendable, Equatable {
    /// Counts by category, inline.
    package var counts = CategoryCounts()
    package var total: UInt32 = 0
    package var lastEngaged: Int64 = .min

    package init() {}

    /// Counts indexed by ``ContentCategory/index``.
    package var byCategory: [UInt32] { (0..<CategoryCounts.count).map { counts[$0] } }

    mutating func add(_ o: AccountEngagement) {
        for i in 0..<CategoryCounts.count { counts[i] &+= o.counts[i] }
        total &+= o.total
        lastEngaged = max(lastEngaged, o.lastEngaged)
    }
}

/// An account as the decision engine sees it.
package struct AccountProfile: Sendable, Equatable {
    package var id: AccountID
    package var name: String?
    package var domain: String?
    package var industry: String?
    package var employees: Int?
    package var annualRevenue: Double?
    package var country: String?
    package var ownerID: String?
    package var parent: AccountID?
    /// Direct subsidiaries, sorted by id.
    package var subsidiaries: [AccountID]
    /// Contacts, sorted by lead id.
    package var contacts: [Contact]
    /// Opportunities, sorted by id.
    package var opportunities: [OpportunityProfile]
    /// The account's own engagement (see ``Ledger/rolledUpEngagement(of:)`` for the hierarchy).
    package var engagement: AccountEngagement
    /// Custom CRM fields, sorted by key.
    package var custom: [CustomField] = []
}
