/// Where an attribute value came from: the source system and event time.
public struct Provenance: Sendable, Equatable {
    public var source: SourceSystem
    public var eventTime: EventTime
}

/// An attribute value with its provenance.
public struct AttributedValue: Sendable, Equatable {
    public var name: AttributeName
    public var value: String
    public var provenance: Provenance
}

/// A lead's engagement counters (small and fixed-size).
public struct EngagementAggregate: Sendable, Equatable {
    public var pageViews: UInt32 = 0
    public var tracks: UInt32 = 0
    public var emailsDelivered: UInt32 = 0
    public var emailOpens: UInt32 = 0
    public var emailClicks: UInt32 = 0
    public var crmActivities: UInt32 = 0
    /// Engagements with a high-intent category (pricing, demo, contact, docs).
    public var highIntent: UInt32 = 0
    /// First and last active engagement (epoch ms); `Int64.max`/`Int64.min` when none.
    public var firstEngaged: Int64 = .max
    public var lastEngaged: Int64 = .min
    public var lastHighIntent: Int64 = .min

    public init() {}

    /// Active engagements in total.
    public var total: UInt32 { pageViews &+ tracks &+ emailOpens &+ emailClicks &+ crmActivities }

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
public struct EmailHealth: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let bounced = EmailHealth(rawValue: 1 << 0)
    public static let unsubscribed = EmailHealth(rawValue: 1 << 1)
    public static let groupUnsubscribed = EmailHealth(rawValue: 1 << 2)
    public static let spamReported = EmailHealth(rawValue: 1 << 3)
    public static let dropped = EmailHealth(rawValue: 1 << 4)
}

/// A recorded outcome (feedback for the propensity model).
public struct OutcomeRecord: Sendable, Equatable {
    public var kind: OutcomeKind
    public var reason: String?
    public var opportunityID: String?
    public var eventTime: EventTime
}

/// A manual route pin.
public struct OverrideRecord: Sendable, Equatable {
    public var fields: CRMOverrideFields
    public var eventTime: EventTime
}

/// What applying an event changed, for the decision engine.
public enum ProjectionEffect: Sendable, Equatable {
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
public struct Contact: Sendable, Equatable {
    public var lead: LeadID
    public var role: BuyingRole
    public var seniority: Seniority
    public var function: JobFunction
    public var lastEngaged: EventTime?
}

/// A lead as the decision engine sees it.
public struct LeadProfile: Sendable, Equatable {
    public var id: LeadID
    /// Identifiers, in the order they were linked.
    public var identifiers: [Identifier]
    /// Attributes in ``AttributeName`` order.
    public var attributes: [AttributedValue]
    public var account: AccountID?
    public var accountLink: AccountLinkMethod?
    public var engagement: EngagementAggregate
    public var emailHealth: EmailHealth
    public var outcome: OutcomeRecord?
    public var override: OverrideRecord?
    /// Leads merged into this one (their decision history belongs to this lead now).
    public var absorbed: [LeadID]
    public var erased: Bool
    /// Custom CRM fields, sorted by key.
    public var custom: [CustomField] = []

    /// The value of one attribute.
    public func attribute(_ name: AttributeName) -> AttributedValue? { attributes.first { $0.name == name } }
}

/// An opportunity as projected.
public struct OpportunityProfile: Sendable, Equatable {
    public var id: String
    public var account: AccountID?
    public var stage: String?
    public var amount: Double?
    public var closeDate: String?
    public var isClosed: Bool
    public var isWon: Bool
    public var contacts: [LeadID]
    public var updated: EventTime
}

/// Eleven counters, one per ``ContentCategory``, stored inline (no heap).
public struct CategoryCounts: Sendable, Equatable {
    var storage: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
    )
    /// Number of counters.
    public static let count = 11

    public init() {}

    /// The counter of category index `i` (``ContentCategory/index``).
    public subscript(_ i: Int) -> UInt32 {
        get {
            precondition(i >= 0 && i < Self.count)
            return withUnsafeBytes(of: storage) { $0.load(fromByteOffset: i * 4, as: UInt32.self) }
        }
        set {
            precondition(i >= 0 && i < Self.count)
            withUnsafeMutableBytes(of: &storage) { $0.storeBytes(of: newValue, toByteOffset: i * 4, as: UInt32.self) }
        }
    }

    public static func == (a: Self, b: Self) -> Bool { (0..<count).allSatisfy { a[$0] == b[$0] } }
}

/// Per-account interaction counts by ``ContentCategory`` plus totals.
public struct AccountEngagement: Sendable, Equatable {
    /// Counts by category, inline.
    public var counts = CategoryCounts()
    public var total: UInt32 = 0
    public var lastEngaged: Int64 = .min

    public init() {}

    /// Counts indexed by ``ContentCategory/index``.
    public var byCategory: [UInt32] { (0..<CategoryCounts.count).map { counts[$0] } }

    mutating func add(_ o: AccountEngagement) {
        for i in 0..<CategoryCounts.count { counts[i] &+= o.counts[i] }
        total &+= o.total
        lastEngaged = max(lastEngaged, o.lastEngaged)
    }
}

/// An account as the decision engine sees it.
public struct AccountProfile: Sendable, Equatable {
    public var id: AccountID
    public var name: String?
    public var domain: String?
    public var industry: String?
    public var employees: Int?
    public var annualRevenue: Double?
    public var country: String?
    public var ownerID: String?
    public var parent: AccountID?
    /// Direct subsidiaries, sorted by id.
    public var subsidiaries: [AccountID]
    /// Contacts, sorted by lead id.
    public var contacts: [Contact]
    /// Opportunities, sorted by id.
    public var opportunities: [OpportunityProfile]
    /// The account's own engagement (see ``Ledger/rolledUpEngagement(of:)`` for the hierarchy).
    public var engagement: AccountEngagement
    /// Custom CRM fields, sorted by key.
    public var custom: [CustomField] = []
}
