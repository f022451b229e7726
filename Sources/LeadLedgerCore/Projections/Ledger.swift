/// The materialized state of the canonical log (one per log partition, owned
/// by the materialize stage's actor): lead profiles, accounts, opportunities
/// and the account knowledge graph.
///
/// ## Applying
/// ``apply(_:)`` is a pure state transition `(state, event) → (state',
/// effects)` on a value type (``applying(_:to:)`` spells it functionally):
/// no clock, no randomness, no I/O. The same event sequence always gives
/// equal states.
///
/// **Idempotence**: the ledger remembers, per source topic/partition, which
/// (offset, seq) marks it has covered (``SourceCoverage`` of ``LineageMark``):
/// a contiguous prefix plus the ranges covered out of order. The resolver
/// emits the events of one source partition in increasing marks; each event
/// may name the mark of the previous event of its source partition written to
/// the same log partition (``apply(_:after:effects:)``), so an event re-sent
/// after a failed delivery is applied even below the highest mark seen, and a
/// covered one is ignored (``ProjectionEffect/duplicateIgnored``). An event
/// that names nothing (``apply(_:effects:)``, records written before the
/// identity stage named its previous event) covers everything up to its mark:
/// the high-water rule.
///
/// **Attribute conflicts**: a value replaces the current one when its source
/// has higher priority (crm > web > email), or equal priority and an event
/// time at least as late (so among equal times the later log position wins).
/// Every attribute keeps its provenance (source, event time).
///
/// **Merges** (`identity.merged`): the survivor keeps its id. The absorbed
/// lead's attributes are folded in by the same conflict rule, its engagement
/// counters, email-health flags, identifiers and graph edges are added to
/// the survivor's, its outcome is kept only if the survivor has none; its
/// override is dropped (the absorbed route is closed); the survivor keeps its
/// own account link unless it had none. The absorbed lead stays as a
/// redirect: later events naming it apply to the survivor, and the survivor's
/// profile lists it in ``LeadProfile/absorbed`` (its decision history is
/// linked). The effect ``ProjectionEffect/leadMerged(survivor:absorbed:)``
/// tells the decision engine to close the absorbed route and re-decide the
/// survivor.
///
/// **Erasure**: personal attributes (email, names, title, phone, state,
/// website) and identifiers are removed and the lead is flagged erased.
/// Interned strings are not reclaimed in memory until the ledger is rebuilt
/// from a snapshot taken after the erasure (see the report / crypto-shredding).
///
/// **Memory**: leads are stored column-wise in contiguous arrays indexed by a
/// dense lead index; strings are interned (``StringTable``); per-lead edges
/// live in one pool. Sparse data (outcomes, overrides, merges) sits in small
/// dictionaries keyed by index that are never iterated into outputs.
package struct Ledger: Sendable, Equatable {
    struct AttrSlot: Sendable, Equatable {
        var value: UInt32 = StringTable.none
        var source: UInt8 = 0
        var time: Int64 = .min
    }

    struct Flags: OptionSet, Sendable, Equatable {
        let rawValue: UInt8
        static let merged = Flags(rawValue: 1)
        static let erased = Flags(rawValue: 2)
    }

    static let attrCount = AttributeName.allCases.count
    static let noIndex = UInt32.max

    package internal(set) var strings = StringTable()

    // Leads, column-wise.
    var leadIndex = LeadIndexMap()
    var leadIDs: ContiguousArray<LeadID> = []
    var attrs = AttributeTable()
    /// Per-lead data touched by most events, kept together (one or two cache lines).
    var hot: ContiguousArray<LeadHot> = []
    /// Interaction edges per lead index.
    var edgePool = EdgePool()
    var identHead: ContiguousArray<UInt32> = []
    var identPool: ContiguousArray<IdentNode> = []
    var evictedEdgeCount = 0
    var mergedInto: [UInt32: UInt32] = [:]
    var absorbedBy: [UInt32: [UInt32]] = [:]
    var outcomes: [UInt32: OutcomeRecord] = [:]
    var overrides: [UInt32: OverrideRecord] = [:]
    /// Custom CRM fields by lead index (sorted by key; only leads that have any).
    var leadCustom: [UInt32: [CustomField]] = [:]
    /// Custom CRM fields by account index (sorted by key; only accounts that have any).
    var accountCustom: [UInt32: [CustomField]] = [:]

    // Accounts.
    var accountIndex: [UInt32: UInt32] = [:]  // interned account id → account index
    var accounts: ContiguousArray<AccountRecord> = []
    // Opportunities.
    var opportunityIndex: [UInt32: UInt32] = [:]  // interned opportunity id → index
    var opportunities: ContiguousArray<OpportunityRecord> = []

    // Idempotence coverage per source topic/partition, in first-seen order
    // (a handful of entries: a linear scan beats hashing).
    var appliedKeys: [SourceKey] = []
    var appliedMarks: [SourceCoverage<LineageMark>] = []

    struct LeadHot: Sendable, Equatable {
        var engagement = EngagementAggregate()
        var account: UInt32 = Ledger.noIndex
        var link: UInt8 = 0  // AccountLinkMethod.strength, 0 = none
        var flags: Flags = []
        var health: EmailHealth = []
    }

    struct IdentNode: Sendable, Equatable {
        var kind: IdentifierKind
        var value: UInt32
        var next: UInt32
    }

    struct SourceKey: Sendable, Hashable {
        var topic: String
        var partition: Int32
    }

    struct AccountRecord: Sendable, Equatable {
        var id: UInt32
        var name = StringTable.none
        var domain = StringTable.none
        var industry = StringTable.none
        var country = StringTable.none
        var owner = StringTable.none
        var employees: Int = -1
        var revenue: Double = -1
        var factsSource: UInt8 = 0
        var factsTime: Int64 = .min
        var parent: UInt32 = Ledger.noIndex
        var children: [UInt32] = []
        var contacts: [UInt32] = []
        var opportunities: [UInt32] = []
        var engagement = AccountEngagement()
        var linkTime: Int64 = .min
        /// Derived: role counts and engaged contacts (AccountContactSummary.swift), rebuilt on snapshot load.
        var summary = AccountContactSummary()
    }

    struct OpportunityRecord: Sendable, Equatable {
        var id: UInt32
        var account: UInt32 = Ledger.noIndex
        var stage = StringTable.none
        var amount: Double = -1
        var closeDate = StringTable.none
        var isClosed = false
        var isWon = false
        var contacts: [UInt32] = []
        var updated: Int64 = .min
    }

    /// Creates an empty ledger.
    package init() {}

    /// Pre-sizes storage for about `leads` leads and `accounts` accounts, so
    /// loading does not pay for (and briefly double memory with) array growth.
    package mutating func reserveCapacity(leads: Int, accounts: Int) {
        leadIndex.reserveCapacity(leads)
        leadIDs.reserveCapacity(leads)
        attrs.reserveCapacity(leads: leads, perLead: 8)
        hot.reserveCapacity(leads)
        edgePool.reserveCapacity(leads: leads)
        identHead.reserveCapacity(leads)
        accountIndex.reserveCapacity(accounts)
        self.accounts.reserveCapacity(accounts)
    }

    /// Number of leads (including absorbed redirects).
    package var leadCount: Int { leadIDs.count }
    /// Number of accounts.
    package var accountCount: Int { accounts.count }
    /// Engagement edges replaced because a lead had too many distinct edges.
    package var evictedEdges: Int { evictedEdgeCount }

    // MARK: - Apply

    /// Functional form: the state after `event`, and its effects.
    package static func applying(_ event: CanonicalEvent, to state: Ledger) -> (Ledger, [ProjectionEffect]) {
        var s = state
        let effects: [ProjectionEffect] = s.apply(event)
        return (s, effects)
    }

    /// Applies one canonical event in log order and returns its effects.
    @discardableResult
    package mutating func apply(_ event: CanonicalEvent) -> [ProjectionEffect] {
        var effects: [ProjectionEffect] = []
        apply(event, effects: &effects)
        return effects
    }

    /// Applies events in log order, appending their effects to `out`.
    ///
    /// Same result as applying them one by one; faster on large ledgers:
    /// events are taken in groups of 16 whose lead-index slots, lead records,
    /// edge blocks and accounts are first read in independent passes, so the
    /// CPU overlaps their cache misses instead of taking them one at a time.
    package mutating func apply(batch events: [CanonicalEvent], effects out: inout [ProjectionEffect]) {
        apply(batch: events[...], effects: &out)
    }

    /// ``apply(batch:effects:)`` on a slice.
    package mutating func apply(batch events: ArraySlice<CanonicalEvent>, effects out: inout [ProjectionEffect]) {
        var i = events.startIndex
        while i != events.endIndex {
            let end = events.index(i, offsetBy: 16, limitedBy: events.endIndex) ?? events.endIndex
            warm(events[i..<end])
            for e in events[i..<end] { apply(e, effects: &out) }
            i = end
        }
    }

    /// Reads (without changing anything) the memory the next events will touch.
    func warm(_ events: ArraySlice<CanonicalEvent>) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 16) { idx in
            var n = 0
            var sink: UInt32 = 0
            for e in events where n < 16 {
                if let l = e.leadID, let li = leadIndex[l] {
                    idx[n] = li
                    n += 1
                }
            }
            for k in 0..<n {
                let li = Int(idx[k])
                sink &+= hot[li].engagement.total
                idx[k] = hot[li].account
            }
            for k in 0..<n where idx[k] != Self.noIndex { sink &+= accounts[Int(idx[k])].engagement.total }
            blackHole(sink)
        }
    }

    /// Applies one canonical event in log order, appending its effects to
    /// `out` (no allocation per event when `out` is reused).
    package mutating func apply(_ event: CanonicalEvent, effects out: inout [ProjectionEffect]) {
        apply(event, after: nil, effects: &out)
    }

    /// Applies one canonical event that accounts for the marks of its source
    /// partition above `after` (the previous event of that source partition
    /// written to this log partition; nil: everything up to its own mark),
    /// appending its effects to `out`. Returns the coverage's verdict: a
    /// covered event is ignored (``ProjectionEffect/duplicateIgnored``); an
    /// event whose range does not join what is covered is applied and names
    /// the gap below it.
    @discardableResult
    package mutating func apply(_ event: CanonicalEvent, after: LineageMark?, effects out: inout [ProjectionEffect])
        -> SourceCoverage<LineageMark>.Verdict
    {
        let p = event.lineage.position
        let verdict = cover(topic: p.topic, partition: p.partition, mark: LineageMark(event.lineage), after: after)
        guard verdict.apply else {
            out.append(.duplicateIgnored)
            return verdict
        }
        applyPayload(event, effects: &out)
        return verdict
    }

    /// Accounts for the marks of source partition `topic`/`partition` above `after`
    /// up to `mark` without applying anything: what an event that never reached the
    /// log stands for (the identity stage's skip marker for an event too large to
    /// produce; its input is in the DLQ). The verdict is the one ``apply(_:after:effects:)``
    /// would give an event with that mark.
    @discardableResult
    package mutating func cover(topic: String, partition: Int32, mark: LineageMark, after: LineageMark?)
        -> SourceCoverage<LineageMark>.Verdict
    {
        let key = SourceKey(topic: topic, partition: partition)
        if let k = appliedKeys.firstIndex(of: key) {
            return appliedMarks[k].accept(mark, after: after)
        }
        var coverage = SourceCoverage(origin: LineageMark.origin)
        let verdict = coverage.accept(mark, after: after)
        appliedKeys.append(key)
        appliedMarks.append(coverage)
        return verdict
    }

    /// Applies an event's payload (the event is not a repeat).
    mutating func applyPayload(_ event: CanonicalEvent, effects out: inout [ProjectionEffect]) {
        let time = event.eventTime.milliseconds
        let source = UInt8(event.lineage.system.priority)

        switch event.payload {
        case .accountUpserted(let f):
            guard let aid = event.accountID else { return }
            let a = accountSlot(aid)
            upsertAccount(a, f, source: source, time: time)
            // Custom fields: each key's latest value in log order.
            if !f.custom.isEmpty { accountCustom[a] = CustomField.merged(accountCustom[a] ?? [], f.custom) }
            out.append(.accountChanged(aid))
            return
        case .opportunity(let o):
            let oi = opportunity(o.opportunityID)
            var r = opportunities[Int(oi)]
            if let aid = event.accountID {
                let a = accountSlot(aid)
                if r.account != a {
                    if r.account != Self.noIndex { accounts[Int(r.account)].opportunities.removeAll { $0 == oi } }
                    r.account = a
                    accounts[Int(a)].opportunities.append(oi)
                }
            }
            if let s = o.stage { r.stage = strings.intern(s) }
            if let v = o.amount { r.amount = v }
            if let d = o.closeDate { r.closeDate = strings.intern(d) }
            if let c = o.isClosed { r.isClosed = c }
            if let w = o.isWon { r.isWon = w }
            for l in o.contacts {
                let li = resolveLead(l)
                if !r.contacts.contains(li) { r.contacts.append(li) }
            }
            r.updated = max(r.updated, time)
            opportunities[Int(oi)] = r
            if r.account != Self.noIndex { out.append(.accountChanged(accountID(r.account))) }
            for c in r.contacts { out.append(.leadChanged(leadIDs[Int(c)])) }
            return
        default:
            break
        }

        guard let lid = event.leadID else {
            return  // e.g. an erasure request for an unknown email: nothing materialized
        }
        let li = resolveLead(lid)
        let current = leadIDs[Int(li)]
        switch event.payload {
        case .identityLinked(let ids):
            for id in ids { addIdentifier(li, id.kind, strings.intern(id.value)) }
            out.append(.leadChanged(current))
            return
        case .identityMerged(let absorbedID):
            guard let ai0 = leadIndex[absorbedID] else {
                // Never seen on this partition: just remember the redirect.
                let ai = newLead(absorbedID)
                markMerged(ai, into: li)
                out.append(.leadMerged(survivor: current, absorbed: absorbedID))
                return
            }
            let ai = follow(ai0)
            if ai == li { return }
            merge(ai, into: li)
            out.append(.leadMerged(survivor: current, absorbed: leadIDs[Int(ai)]))
            return
        case .attributes(let values):
            attrs.reserve(lead: Int(li), names: values.lazy.map { $0.name.index })
            for v in values { setAttr(li, v.name, strings.intern(v.value), source: source, time: time) }
            out.append(.leadChanged(current))
            return
        case .customFields(let fields):
            leadCustom[li] = CustomField.merged(leadCustom[li] ?? [], fields)
            out.append(.leadChanged(current))
            return
        case .engagement(let e):
            applyEngagement(li, e, time: event.eventTime)
            out.append(.leadChanged(current))
            return
        case .accountLinked:
            guard let aid = event.accountID else { return }
            let method = event.payload.linkMethod!
            linkLead(li, to: accountSlot(aid), strength: UInt8(method.strength), time: time)
            out.append(.leadChanged(current))
            out.append(.accountChanged(aid))
            return
        case .outcome(let kind, let reason, let opp):
            outcomes[li] = OutcomeRecord(kind: kind, reason: reason, opportunityID: opp, eventTime: event.eventTime)
            out.append(.outcomeRecorded(current, kind))
            return
        case .overrideSet(let f):
            overrides[li] = OverrideRecord(fields: f, eventTime: event.eventTime)
            out.append(.overrideChanged(current))
            return
        case .overrideCleared:
            overrides[li] = nil
            out.append(.overrideChanged(current))
            return
        case .erasure:
            erase(li)
            out.append(.leadErased(current))
            return
        case .accountUpserted, .opportunity:
            return
        }
    }

    // MARK: - Leads

    mutating func newLead(_ id: LeadID) -> UInt32 {
        let i = UInt32(leadIDs.count)
        leadIndex[id] = i
        leadIDs.append(id)
        attrs.appendLead()
        hot.append(LeadHot())
        edgePool.appendLead()
        identHead.append(.max)
        return i
    }

    func follow(_ i0: UInt32) -> UInt32 {
        var i = i0
        while let next = mergedInto[i] { i = next }
        return i
    }

    /// The live lead index for `id`, creating the lead if new, following merges.
    mutating func resolveLead(_ id: LeadID) -> UInt32 {
        if let i = leadIndex[id] { return hot[Int(i)].flags.contains(.merged) ? follow(i) : i }
        return newLead(id)
    }

    mutating func addIdentifier(_ li: UInt32, _ kind: IdentifierKind, _ value: UInt32) {
        var i = identHead[Int(li)]
        var last = UInt32.max
        while i != .max {
            if identPool[Int(i)].value == value && identPool[Int(i)].kind == kind { return }
            last = i
            i = identPool[Int(i)].next
        }
        identPool.append(IdentNode(kind: kind, value: value, next: .max))
        let n = UInt32(identPool.count - 1)
        if last == .max { identHead[Int(li)] = n } else { identPool[Int(last)].next = n }
    }

    mutating func setAttr(_ li: UInt32, _ name: AttributeName, _ value: UInt32, source: UInt8, time: Int64) {
        let cur = attrs[lead: Int(li), name: name]
        if cur.value == StringTable.none || source > cur.source || (source == cur.source && time >= cur.time) {
            attrs[lead: Int(li), name: name] = AttrSlot(value: value, source: source, time: time)
            if name == .buyingRole && cur.value != value { summaryRoleChanged(li, old: cur.value) }
        }
    }

    mutating func applyEngagement(_ li: UInt32, _ e: Engagement, time t: EventTime) {
        var g = hot[Int(li)].engagement
        let oldLastEngaged = g.lastEngaged
        let ms = t.milliseconds
        switch e.action {
        case .pageView: g.pageViews &+= 1
        case .track: g.tracks &+= 1
        case .delivered: g.emailsDelivered &+= 1
        case .open: g.emailOpens &+= 1
        case .click: g.emailClicks &+= 1
        case .call, .meeting, .emailReply, .note: g.crmActivities &+= 1
        case .bounce: hot[Int(li)].health.insert(.bounced)
        case .dropped: hot[Int(li)].health.insert(.dropped)
        case .spamreport: hot[Int(li)].health.insert(.spamReported)
        case .unsubscribe: hot[Int(li)].health.insert(.unsubscribed)
        case .groupUnsubscribe: hot[Int(li)].health.insert(.groupUnsubscribed)
        case .groupResubscribe: hot[Int(li)].health.remove(.groupUnsubscribed)
        case .processed, .deferred: break
        }
        let active =
            e.action.isActive && e.action != .spamreport && e.action != .unsubscribe
            && e.action != .groupUnsubscribe && e.action != .groupResubscribe
        guard active else {
            hot[Int(li)].engagement = g
            return
        }
        if e.category.isHighIntent {
            g.highIntent &+= 1
            if ms > g.lastHighIntent { g.lastHighIntent = ms }
        }
        if ms < g.firstEngaged { g.firstEngaged = ms }
        if ms > g.lastEngaged { g.lastEngaged = ms }
        hot[Int(li)].engagement = g
        if g.lastEngaged != oldLastEngaged { summaryEngagedChanged(li, old: oldLastEngaged) }
        // Graph edges.
        let edgeKind: EdgeKind
        switch e.action {
        case .pageView: edgeKind = .visited
        case .open: edgeKind = .opened
        case .click: edgeKind = .clicked
        default: edgeKind = .engagedWith
        }
        if let c = e.clearContent {
            if edgePool[lead: Int(li)].record(kind: edgeKind, targetKind: .content, target: strings.intern(c), at: t) {
                evictedEdgeCount += 1
            }
        } else if e.campaign == nil {
            if edgePool[lead: Int(li)].record(kind: edgeKind, targetKind: .content, target: strings.intern(e.category.rawValue), at: t) {
                evictedEdgeCount += 1
            }
        }
        if let c = e.campaign {
            if edgePool[lead: Int(li)].record(
                kind: e.action == .open ? .opened : .engagedWith, targetKind: .campaign, target: strings.intern(c), at: t)
            {
                evictedEdgeCount += 1
            }
        }
        // Account interaction profile.
        let a = hot[Int(li)].account
        if a != Self.noIndex {
            accounts[Int(a)].engagement.counts[e.category.index] &+= 1
            accounts[Int(a)].engagement.total &+= 1
            if ms > accounts[Int(a)].engagement.lastEngaged { accounts[Int(a)].engagement.lastEngaged = ms }
        }
    }

    mutating func linkLead(_ li: UInt32, to a: UInt32, strength: UInt8, time: Int64) {
        let old = hot[Int(li)].account
        if old == a {
            hot[Int(li)].link = max(hot[Int(li)].link, strength)
            return
        }
        if old != Self.noIndex {
            accounts[Int(old)].contacts.removeAll { $0 == li }
            summaryRemove(li, from: old)
        }
        hot[Int(li)].account = a
        hot[Int(li)].link = strength
        accounts[Int(a)].contacts.append(li)
        summaryAdd(li, to: a)
        accounts[Int(a)].linkTime = max(accounts[Int(a)].linkTime, time)
    }

    mutating func markMerged(_ ai: UInt32, into li: UInt32) {
        hot[Int(ai)].flags.insert(.merged)
        mergedInto[ai] = li
        absorbedBy[li, default: []].append(ai)
    }

    mutating func merge(_ ai: UInt32, into li: UInt32) {
        var absorbed: [(index: Int, slot: AttrSlot)] = []
        attrs.forEach(lead: Int(ai)) { absorbed.append(($0, $1)) }
        attrs.reserve(lead: Int(li), names: absorbed.lazy.map { $0.index })
        for (k, s) in absorbed { setAttr(li, Self.attributeNames[k], s.value, source: s.source, time: s.time) }
        let oldLastEngaged = hot[Int(li)].engagement.lastEngaged
        hot[Int(li)].engagement.add(hot[Int(ai)].engagement)
        summaryEngagedChanged(li, old: oldLastEngaged)
        hot[Int(li)].health.formUnion(hot[Int(ai)].health)
        var i = identHead[Int(ai)]
        while i != .max {
            addIdentifier(li, identPool[Int(i)].kind, identPool[Int(i)].value)
            i = identPool[Int(i)].next
        }
        let absorbedEdges = edgePool[lead: Int(ai)]
        evictedEdgeCount += edgePool[lead: Int(li)].merge(absorbedEdges)
        edgePool.clear(lead: Int(ai))
        let aa = hot[Int(ai)].account
        if aa != Self.noIndex {
            accounts[Int(aa)].contacts.removeAll { $0 == ai }
            summaryRemove(ai, from: aa)
            if hot[Int(li)].account == Self.noIndex { linkLead(li, to: aa, strength: hot[Int(ai)].link, time: .min) }
        }
        hot[Int(ai)].account = Self.noIndex
        // The survivor's own custom values win; the absorbed lead's fill the keys it lacks.
        if let absorbed = leadCustom.removeValue(forKey: ai) { leadCustom[li] = CustomField.merged(absorbed, leadCustom[li] ?? []) }
        if outcomes[li] == nil, let o = outcomes[ai] { outcomes[li] = o }
        outcomes[ai] = nil
        overrides[ai] = nil
        for o in opportunities.indices where opportunities[o].contacts.contains(ai) {
            opportunities[o].contacts.removeAll { $0 == ai }
            if !opportunities[o].contacts.contains(li) { opportunities[o].contacts.append(li) }
        }
        if let moved = absorbedBy.removeValue(forKey: ai) {
            for m in moved { mergedInto[m] = li }
            absorbedBy[li, default: []].append(contentsOf: moved)
        }
        markMerged(ai, into: li)
    }

    static let personal: [AttributeName] = [.email, .firstName, .lastName, .title, .phone, .state, .website]

    mutating func erase(_ li: UInt32) {
        for n in Self.personal { attrs[lead: Int(li), name: n] = AttrSlot() }
        identHead[Int(li)] = .max
        edgePool.clear(lead: Int(li))
        hot[Int(li)].flags.insert(.erased)
        // Free-text custom values are personal; numbers and flags are kept.
        let kept = (leadCustom[li] ?? []).filter { if case .string = $0.value { false } else { true } }
        leadCustom[li] = kept.isEmpty ? nil : kept
    }

    // MARK: - Accounts

    mutating func accountSlot(_ id: AccountID) -> UInt32 {
        let sid = strings.intern(id.rawValue)
        if let a = accountIndex[sid] { return a }
        let a = UInt32(accounts.count)
        accounts.append(AccountRecord(id: sid))
        accountIndex[sid] = a
        return a
    }

    func accountID(_ a: UInt32) -> AccountID { AccountID(strings[accounts[Int(a)].id]!) }

    mutating func opportunity(_ id: String) -> UInt32 {
        let sid = strings.intern(id)
        if let o = opportunityIndex[sid] { return o }
        let o = UInt32(opportunities.count)
        opportunities.append(OpportunityRecord(id: sid))
        opportunityIndex[sid] = o
        return o
    }

    mutating func upsertAccount(_ a: UInt32, _ f: AccountFacts, source: UInt8, time: Int64) {
        var r = accounts[Int(a)]
        // Facts follow the attribute rule: a higher-priority source, or the same
        // source at a later or equal time, overwrites; a lower-priority source only
        // fills fields that are still empty.
        let overwrite = r.factsSource == 0 || source > r.factsSource || (source == r.factsSource && time >= r.factsTime)
        if overwrite {
            r.factsSource = source
            r.factsTime = time
        }
        func put(_ slot: inout UInt32, _ v: String?) {
            if let v, overwrite || slot == StringTable.none { slot = strings.intern(v) }
        }
        put(&r.name, f.name)
        put(&r.domain, f.domain)
        put(&r.industry, f.industry)
        put(&r.country, f.country)
        put(&r.owner, f.ownerID)
        if let v = f.employees, overwrite || r.employees < 0 { r.employees = v }
        if let v = f.annualRevenue, overwrite || r.revenue < 0 { r.revenue = v }
        accounts[Int(a)] = r
        if let p = f.parent {
            let pi = accountSlot(p)
            setParent(a, pi)
        }
    }

    /// Sets `a`'s parent unless that would make a cycle (then the link is ignored).
    mutating func setParent(_ a: UInt32, _ p: UInt32) {
        var x = p
        var steps = 0
        while x != Self.noIndex, steps <= accounts.count {
            if x == a { return }
            x = accounts[Int(x)].parent
            steps += 1
        }
        let old = accounts[Int(a)].parent
        if old == p { return }
        if old != Self.noIndex { accounts[Int(old)].children.removeAll { $0 == a } }
        accounts[Int(a)].parent = p
        accounts[Int(p)].children.append(a)
    }

    // MARK: - Views

    /// `AttributeName.allCases` and `SourceSystem.allCases`, built once (not per profile).
    static let attributeNames = AttributeName.allCases
    static let sourceSystems = SourceSystem.allCases

    /// The id of the lead `id` resolves to (itself, or the survivor of the
    /// merges that absorbed it), or nil if unknown; `lead(id)?.id` without
    /// materializing the profile.
    package func survivor(of id: LeadID) -> LeadID? {
        guard let i0 = leadIndex[id] else { return nil }
        return leadIDs[Int(follow(i0))]
    }

    /// The profile of `id` (following merges to the survivor), or nil if unknown.
    package func lead(_ id: LeadID) -> LeadProfile? {
        guard let i0 = leadIndex[id] else { return nil }
        let i = follow(i0)
        var ids: [Identifier] = []
        var n = identHead[Int(i)]
        while n != .max {
            ids.append(Identifier(identPool[Int(n)].kind, strings[identPool[Int(n)].value]!))
            n = identPool[Int(n)].next
        }
        var values: [AttributedValue] = []
        attrs.forEach(lead: Int(i)) { k, s in
            values.append(
                AttributedValue(
                    name: Self.attributeNames[k], value: strings[s.value]!,
                    provenance: Provenance(
                        source: Self.sourceSystems.first { $0.priority == Int(s.source) }!,
                        eventTime: EventTime(milliseconds: s.time))))
        }
        let a = hot[Int(i)].account
        return LeadProfile(
            id: leadIDs[Int(i)], identifiers: ids, attributes: values,
            account: a == Self.noIndex ? nil : accountID(a),
            accountLink: hot[Int(i)].link == 0 ? nil : AccountLinkMethod.allCases[Int(hot[Int(i)].link) - 1],
            engagement: hot[Int(i)].engagement, emailHealth: hot[Int(i)].health, outcome: outcomes[i], override: overrides[i],
            absorbed: (absorbedBy[i] ?? []).map { leadIDs[Int($0)] }.sorted(),
            erased: hot[Int(i)].flags.contains(.erased), custom: leadCustom[i] ?? [])
    }

    func contact(_ li: UInt32) -> Contact {
        func v(_ n: AttributeName) -> String? { strings[attrs[lead: Int(li), name: n].value] }
        let g = hot[Int(li)].engagement
        return Contact(
            lead: leadIDs[Int(li)],
            role: v(.buyingRole).flatMap(BuyingRole.init(rawValue:)) ?? .user,
            seniority: v(.seniority).flatMap(Seniority.init(rawValue:)) ?? .unknown,
            function: v(.jobFunction).flatMap(JobFunction.init(rawValue:)) ?? .other,
            lastEngaged: g.lastEngaged == .min ? nil : EventTime(milliseconds: g.lastEngaged))
    }

    func opportunityProfile(_ o: UInt32) -> OpportunityProfile {
        let r = opportunities[Int(o)]
        return OpportunityProfile(
            id: strings[r.id]!, account: r.account == Self.noIndex ? nil : accountID(r.account),
            stage: strings[r.stage], amount: r.amount < 0 ? nil : r.amount, closeDate: strings[r.closeDate],
            isClosed: r.isClosed, isWon: r.isWon, contacts: r.contacts.map { leadIDs[Int($0)] }.sorted(),
            updated: EventTime(milliseconds: r.updated))
    }

    func accountIndex(of id: AccountID) -> UInt32? {
        strings.lookup(id.rawValue).flatMap { accountIndex[$0] }
    }

    /// The account `id`, or nil if unknown.
    package func account(_ id: AccountID) -> AccountProfile? {
        guard let a = accountIndex(of: id) else { return nil }
        let r = accounts[Int(a)]
        return AccountProfile(
            id: id, name: strings[r.name], domain: strings[r.domain], industry: strings[r.industry],
            employees: r.employees < 0 ? nil : r.employees, annualRevenue: r.revenue < 0 ? nil : r.revenue,
            country: strings[r.country], ownerID: strings[r.owner],
            parent: r.parent == Self.noIndex ? nil : accountID(r.parent),
            subsidiaries: r.children.map(accountID).sorted(),
            contacts: r.contacts.map(contact).sorted { $0.lead < $1.lead },
            opportunities: r.opportunities.map(opportunityProfile).sorted { $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) },
            engagement: r.engagement, custom: accountCustom[a] ?? [])
    }
}

/// Keeps the optimizer from deleting the warming reads.
@inline(never) @_optimize(none)
func blackHole(_ x: UInt32) {}

extension CanonicalPayload {
    var linkMethod: AccountLinkMethod? {
        if case .accountLinked(let m) = self { return m }
        return nil
    }
}

// MARK: - Borrowed reads

extension Ledger {
    /// A lead resolved in this ledger (the survivor of any merges): a dense
    /// index into the ledger's columns. Valid for the ledger value it came
    /// from until its next `apply`; read it through the `Ledger` methods
    /// taking a handle, which read the columns in place without building a
    /// ``LeadProfile`` (no arrays, no sorting; strings are the interned ones).
    package struct LeadHandle: Sendable, Hashable {
        let index: UInt32
    }

    /// An account in this ledger: a dense index, valid like ``LeadHandle``.
    package struct AccountHandle: Sendable, Hashable {
        let index: UInt32
    }

    /// The handle of the lead `id` resolves to (following merges), or nil if unknown;
    /// `lead(id)` without materializing the profile.
    package func handle(of id: LeadID) -> LeadHandle? {
        guard let i0 = leadIndex[id] else { return nil }
        return LeadHandle(index: follow(i0))
    }

    /// The lead's id (`lead(_:)?.id`).
    package func id(of h: LeadHandle) -> LeadID { leadIDs[Int(h.index)] }

    /// The lead's custom CRM fields, sorted by key (`lead(_:)?.custom`).
    package func customFields(of h: LeadHandle) -> [CustomField] { leadCustom[h.index] ?? [] }

    /// The current value of one attribute (`lead(_:)?.attribute(name)?.value`).
    package func attribute(_ name: AttributeName, of h: LeadHandle) -> String? {
        strings[attrs[lead: Int(h.index), name: name].value]
    }

    /// The id in ``strings`` of one attribute's current value (``StringTable/none`` when
    /// it has none): ``attribute(_:of:)`` without making a String, so that a caller can
    /// memoize per-value work by id.
    package func attributeID(_ name: AttributeName, of h: LeadHandle) -> UInt32 {
        attrs[lead: Int(h.index), name: name].value
    }

    /// Calls `body` with each identifier of the lead, in ``LeadProfile/identifiers`` order.
    package func forEachIdentifier(of h: LeadHandle, _ body: (IdentifierKind, String) -> Void) {
        var n = identHead[Int(h.index)]
        while n != .max {
            let node = identPool[Int(n)]
            body(node.kind, strings[node.value]!)
            n = node.next
        }
    }

    /// Calls `body` with each identifier of the lead, in ``forEachIdentifier(of:_:)`` order,
    /// as its kind and the id of its value in ``strings`` (`strings[id]` is the value; no
    /// String is read, so a caller can memoize per-value work by id).
    package func forEachIdentifierID(of h: LeadHandle, _ body: (IdentifierKind, UInt32) -> Void) {
        var n = identHead[Int(h.index)]
        while n != .max {
            let node = identPool[Int(n)]
            body(node.kind, node.value)
            n = node.next
        }
    }

    /// The lead's engagement counters (``LeadProfile/engagement``).
    package func engagement(of h: LeadHandle) -> EngagementAggregate { hot[Int(h.index)].engagement }
    /// The lead's email-health flags (``LeadProfile/emailHealth``).
    package func emailHealth(of h: LeadHandle) -> EmailHealth { hot[Int(h.index)].health }
    /// The lead's recorded outcome (``LeadProfile/outcome``).
    package func outcome(of h: LeadHandle) -> OutcomeRecord? { outcomes[h.index] }
    /// The lead's routing override (``LeadProfile/override``).
    package func override(of h: LeadHandle) -> OverrideRecord? { overrides[h.index] }
    /// Whether the lead was erased (``LeadProfile/erased``).
    package func isErased(_ h: LeadHandle) -> Bool { hot[Int(h.index)].flags.contains(.erased) }

    /// The lead's account (``LeadProfile/account``), as a handle.
    package func account(of h: LeadHandle) -> AccountHandle? {
        let a = hot[Int(h.index)].account
        return a == Self.noIndex ? nil : AccountHandle(index: a)
    }

    /// The account's custom CRM fields, sorted by key (``AccountProfile/custom``).
    package func customFields(of a: AccountHandle) -> [CustomField] { accountCustom[a.index] ?? [] }

    /// The handle of account `id`, or nil if unknown.
    package func handle(of id: AccountID) -> AccountHandle? { accountIndex(of: id).map(AccountHandle.init(index:)) }

    /// The account's id (``AccountProfile/id``).
    package func id(of a: AccountHandle) -> AccountID { accountID(a.index) }

    /// The account's firmographics, as in ``AccountProfile`` (`employees`, `industry`, `country`, `domain`, `ownerID`).
    package func facts(of a: AccountHandle) -> (employees: Int?, industry: String?, country: String?, domain: String?, ownerID: String?) {
        let r = accounts[Int(a.index)]
        return (r.employees < 0 ? nil : r.employees, strings[r.industry], strings[r.country], strings[r.domain], strings[r.owner])
    }

    /// Whether the account has a parent, and whether it has subsidiaries.
    package func hierarchyLinks(of a: AccountHandle) -> (hasParent: Bool, hasSubsidiaries: Bool) {
        let r = accounts[Int(a.index)]
        return (r.parent != Self.noIndex, !r.children.isEmpty)
    }

    /// Calls `body` with each direct contact of the account (in link order,
    /// not sorted): its id, buying role (as ``Contact/role``) and last
    /// engagement time in milliseconds (nil when never engaged).
    package func forEachContact(of a: AccountHandle, _ body: (LeadID, BuyingRole, Int64?) -> Void) {
        // The role attribute is an interned string: comparing its id with the ids of the roles'
        // raw values (looked up once per call) gives `BuyingRole(rawValue:) ?? .user` without
        // reading a String per contact (an id not interned is `none`, which no set value equals).
        func id(_ r: BuyingRole) -> UInt32 { strings.lookup(r.rawValue) ?? StringTable.none }
        let decisionMaker = id(.decisionMaker)
        let champion = id(.champion)
        let influencer = id(.influencer)
        let gatekeeper = id(.gatekeeper)
        let roleSlot = AttributeName.buyingRole.index
        for li in accounts[Int(a.index)].contacts {
            let v = attrs[lead: Int(li), index: roleSlot].value
            let role: BuyingRole =
                v == StringTable.none
                ? .user
                : v == decisionMaker
                    ? .decisionMaker
                    : v == champion
                        ? .champion
                        : v == influencer ? .influencer : v == gatekeeper ? .gatekeeper : .user
            let t = hot[Int(li)].engagement.lastEngaged
            body(leadIDs[Int(li)], role, t == .min ? nil : t)
        }
    }

    /// The ids of the account's direct contacts, sorted (``AccountProfile/contacts`` order).
    package func contactIDs(of a: AccountHandle) -> [LeadID] {
        accounts[Int(a.index)].contacts.map { leadIDs[Int($0)] }.sorted()
    }

    /// Number of the account's opportunities that are not closed.
    package func openOpportunityCount(of a: AccountHandle) -> Int {
        var n = 0
        for o in accounts[Int(a.index)].opportunities where !opportunities[Int(o)].isClosed { n += 1 }
        return n
    }

    /// The account's own engagement (``AccountProfile/engagement``).
    package func engagement(of a: AccountHandle) -> AccountEngagement { accounts[Int(a.index)].engagement }

    /// The id of the account's first open opportunity in ``AccountProfile/opportunities``
    /// order (ids compared by UTF-8 bytes), or nil when none is open; no profile built.
    package func firstOpenOpportunityID(of a: AccountHandle) -> String? {
        var best: String?
        for o in accounts[Int(a.index)].opportunities where !opportunities[Int(o)].isClosed {
            let id = strings[opportunities[Int(o)].id]!
            if best.map({ id.utf8.lexicographicallyPrecedes($0.utf8) }) ?? true { best = id }
        }
        return best
    }

    /// The account's parent, else its first subsidiary in ``AccountProfile/subsidiaries``
    /// order (`AccountProfile.parent ?? subsidiaries.first`), or nil; no profile built.
    package func hierarchyNeighbor(of a: AccountHandle) -> AccountID? {
        let r = accounts[Int(a.index)]
        if r.parent != Self.noIndex { return accountID(r.parent) }
        return r.children.lazy.map(accountID).min()
    }
}
