import LeadLedgerCore

/// What the canonical log says happened to leads, independent of any model:
/// when each lead was first seen, its outcomes, the won opportunities it is a
/// contact of, and the overrides people set on it. Fed canonical events in log
/// order (partitions one after another is fine: every fact is kept by event time).
///
/// - First event: the earliest event time of any canonical event naming the lead.
/// - Outcome: the earliest `lead.converted` / `lead.disqualified` (canonical kind
///   `lead.outcome`) of the lead, `converted` first at equal times; later outcomes are ignored.
/// - Won opportunity: an `opportunity.upserted` with `is_won` true, counted once per
///   opportunity id (the first time it is seen won); its amount (0 when absent) is
///   split equally among the opportunity's contact leads, or goes to the event's
///   lead when it names no contacts.
/// - Override: every `override.set` event time of the lead.
package struct OutcomeLedger: Sendable, Equatable {
    /// A lead's first outcome.
    package struct Outcome: Sendable, Equatable {
        package var kind: OutcomeKind
        package var time: EventTime
    }

    /// A share of a won opportunity's amount.
    package struct Win: Sendable, Equatable {
        package var opportunityID: String
        package var time: EventTime
        package var amount: Double
    }

    package private(set) var firstSeen: [String: EventTime] = [:]
    package private(set) var outcomes: [String: Outcome] = [:]
    package private(set) var wins: [String: [Win]] = [:]
    package private(set) var overrides: [String: [EventTime]] = [:]
    private var wonOpportunities: Set<String> = []

    package init() {}

    /// Applies one canonical event.
    package mutating func apply(_ event: CanonicalEvent) {
        let lead = event.leadID?.description
        if let lead {
            if let seen = firstSeen[lead] {
                if event.eventTime < seen { firstSeen[lead] = event.eventTime }
            } else {
                firstSeen[lead] = event.eventTime
            }
        }
        switch event.payload {
        case .outcome(let kind, _, _):
            guard let lead else { return }
            record(Outcome(kind: kind, time: event.eventTime), for: lead)
        case .opportunity(let facts):
            guard facts.isWon == true, !wonOpportunities.contains(facts.opportunityID) else { return }
            let contacts = facts.contacts.isEmpty ? (lead.map { [$0] } ?? []) : facts.contacts.map(\.description)
            guard !contacts.isEmpty else { return }
            wonOpportunities.insert(facts.opportunityID)
            let share = (facts.amount ?? 0) / Double(contacts.count)
            for contact in contacts {
                wins[contact, default: []].append(Win(opportunityID: facts.opportunityID, time: event.eventTime, amount: share))
            }
        case .overrideSet:
            guard let lead else { return }
            overrides[lead, default: []].append(event.eventTime)
        default:
            return
        }
    }

    /// Records an outcome directly (tests, other sources); the earliest one per lead is
    /// kept, `converted` before `disqualified` at the same time (so the order in which
    /// partitions are applied does not matter).
    package mutating func record(_ outcome: Outcome, for lead: String) {
        if let existing = outcomes[lead],
            (existing.time.milliseconds, existing.kind.rawValue) <= (outcome.time.milliseconds, outcome.kind.rawValue)
        {
            return
        }
        outcomes[lead] = outcome
    }

    /// Records a first-seen time directly; the earliest one per lead is kept.
    package mutating func recordSeen(_ lead: String, at time: EventTime) {
        if let seen = firstSeen[lead], seen <= time { return }
        firstSeen[lead] = time
    }

    /// Records a won opportunity's share directly (tests, other sources).
    package mutating func recordWin(_ win: Win, for lead: String) {
        wins[lead, default: []].append(win)
    }

    /// Records an override directly.
    package mutating func recordOverride(_ lead: String, at time: EventTime) {
        overrides[lead, default: []].append(time)
    }

    /// A lead converted: its first outcome is `converted`, or it is a contact of a won opportunity.
    package func converted(_ lead: String) -> Bool {
        outcomes[lead]?.kind == .converted || !(wins[lead] ?? []).isEmpty
    }

    /// A lead has a known outcome: an outcome event or a won opportunity.
    package func hasOutcome(_ lead: String) -> Bool {
        outcomes[lead] != nil || !(wins[lead] ?? []).isEmpty
    }

    /// When the lead's outcome became known: the earlier of its first outcome and its first win.
    package func outcomeTime(_ lead: String) -> EventTime? {
        let times = [outcomes[lead]?.time, wins[lead]?.map(\.time).min()].compactMap { $0 }
        return times.min()
    }

    /// The lead's share of won amounts.
    package func revenue(_ lead: String) -> Double {
        (wins[lead] ?? []).reduce(0) { $0 + $1.amount }
    }
}
