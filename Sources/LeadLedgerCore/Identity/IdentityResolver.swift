/// The resolve stage's state machine: turns decoded inbound events into
/// canonical log events (SPEC §1 "resolve").
///
/// ## Identity
/// A lead is a person. Identifiers — normalized email identity keys, CRM
/// record ids (qualified by CRM), Segment `userId`s and `anonymousId`s — are
/// nodes of a union-find. Identifiers that appear in one inbound event belong
/// to one person, so their sets are united.
///
/// - **Lead ids**: a new lead's id derives from the first identifier the
///   resolver saw for it (``leadIDScheme``; identifiers of
///   one event are ordered CRM record, userId, email, anonymousId). It does
///   not depend on batch boundaries or processing speed, only on the order of
///   the resolver's input, and once written to the log it is fixed.
/// - **Merges**: when an event connects two leads, the survivor is the lead
///   first seen earlier in event time (tie: smaller lead id); the other is
///   absorbed. The merge is written as an `identity.merged` event whose lead
///   id is the survivor, so the materialize stage replays it and never
///   re-decides it. What merging means downstream is documented on
///   ``Ledger`` (survivor keeps its id; absorbed lead becomes a redirect, its
///   history is folded in and its route is closed; the survivor is re-decided).
///
/// ## Anonymous visitors
/// `page`/`track` calls with only an unknown `anonymousId` are buffered per
/// visitor (at most ``Configuration/maxBufferedPerVisitor`` events; the
/// oldest overflow) and expire after ``Configuration/anonymousTTL`` of event
/// time behind the resolver's watermark (the largest event time seen). When
/// the visitor is identified (an `identify`, or any call carrying both the
/// `anonymousId` and a `userId`), the buffer is flushed as engagement events of
/// the lead, each with its original source lineage and event time. Expired
/// and overflowed events are counted in ``Counters``, never silently lost.
///
/// ## Accounts
/// Lead-to-account links, strongest first (``AccountLinkMethod``): a CRM
/// opportunity naming the contact; a Segment `group` call; the lead's
/// `website`; a corporate email domain; the normalized company name of an
/// account seen in `account.upserted` or `group` traits (only when it names
/// exactly one account). Free-mail and disposable addresses never create or
/// match an account by domain: such leads get an account only through
/// website, company name, group or opportunity, else none. A weaker method
/// never replaces a stronger link; the same method with a new value does.
///
/// ## Attribute provenance
/// Attribute events carry their source system and event time; conflicts are
/// resolved by the projections (``Ledger``): higher ``SourceSystem/priority``
/// wins, then later event time, then later log position.
package struct IdentityResolver: Sendable {
    /// Tunables.
    package struct Configuration: Sendable, Equatable {
        /// How long anonymous events wait for an identity, in event-time milliseconds (default 30 days).
        package var anonymousTTL: Int64
        /// Per-visitor buffer bound (default 64 events).
        package var maxBufferedPerVisitor: Int
        /// The email rules (Gmail dots on by default).
        package var email: EmailNormalizer
        package init(anonymousTTL: Int64 = 30 * 86_400_000, maxBufferedPerVisitor: Int = 64, email: EmailNormalizer = EmailNormalizer()) {
            self.anonymousTTL = anonymousTTL
            self.maxBufferedPerVisitor = maxBufferedPerVisitor
            self.email = email
        }
    }

    /// Exposed counters (for metrics).
    package struct Counters: Sendable, Equatable {
        package var leadsCreated = 0
        package var merges = 0
        package var anonymousBuffered = 0
        package var anonymousFlushed = 0
        /// Buffered anonymous events dropped because they were older than the TTL.
        package var anonymousExpired = 0
        /// Buffered anonymous events dropped because a visitor's buffer was full.
        package var anonymousOverflowed = 0
        /// Anonymous events still waiting.
        package var anonymousPending = 0
        /// Erasure requests for emails the resolver did not know.
        package var erasuresUnknown = 0
    }

    struct LeadState: Sendable, Equatable {
        var id: LeadID
        var firstSeen: EventTime
        var account: AccountID?
        var method: AccountLinkMethod?
    }

    struct Pending: Sendable, Equatable {
        var event: SegmentEvent
    }

    package let configuration: Configuration
    package internal(set) var counters = Counters()

    var nodeOf: [String: Int32] = [:]
    var parent: [Int32] = []
    var leads: [Int32: LeadState] = [:]
    var issued: Set<UInt64> = []
    var accountByCompany: [String: AccountID?] = [:]  // nil value = ambiguous
    var accountByCRM: [String: AccountID] = [:]
    var accountByGroup: [String: AccountID] = [:]
    var pending: [String: [Pending]] = [:]
    // Memos of pure functions (bounded; results never depend on them).
    var titleCache: [String: TitleClassification] = [:]
    var emailCache: [String: NormalizedEmail?] = [:]
    static let memoLimit = 100_000
    var watermark = EventTime(milliseconds: .min)
    var nextSweep = EventTime(milliseconds: .min)

    /// How new lead ids are derived (configuration, not state: never in a snapshot).
    package var leadIDScheme: LeadIDScheme = .plain

    /// Creates an empty resolver.
    package init(configuration: Configuration = Configuration()) { self.configuration = configuration }

    /// The lead currently owning `identifier`, if any.
    package mutating func lead(for identifier: Identifier) -> LeadID? {
        guard let n = nodeOf[identifier.key] else { return nil }
        return leads[find(n)]?.id
    }

    /// The account currently linked to the lead owning `identifier`.
    package mutating func account(for identifier: Identifier) -> AccountID? {
        guard let n = nodeOf[identifier.key] else { return nil }
        return leads[find(n)]?.account
    }

    // MARK: - Entry point

    /// Resolves the decoded events of one source message (a SendGrid batch
    /// has several) into canonical log events, in log order.
    package mutating func resolve(_ events: [InboundEvent], at position: SourcePosition) -> [CanonicalEvent] {
        var out = Emitter(position: position)
        for e in events {
            if e.eventTime > watermark { watermark = e.eventTime }
            switch e {
            case .crm(let c): resolveCRM(c, &out)
            case .web(let w): resolveWeb(w, &out)
            case .email(let m): resolveEmail(m, &out)
            }
        }
        sweepIfDue()
        return out.events
    }

    /// Collects events of one message and numbers them.
    struct Emitter {
        let position: SourcePosition
        var events: [CanonicalEvent] = []
        mutating func emit(
            _ time: EventTime, _ lead: LeadID?, _ account: AccountID?, _ system: SourceSystem,
            _ external: String?, _ payload: CanonicalPayload
        ) {
            events.append(
                CanonicalEvent(
                    eventTime: time, leadID: lead, accountID: account,
                    lineage: Lineage(
                        position: position, seq: events.count,
                        externalID: external, system: system), payload: payload))
        }
        /// Re-keys lead-scoped events of this message to the lead's final account.
        mutating func settleAccount(of lead: LeadID, to account: AccountID?, from start: Int) {
            for i in start..<events.count where events[i].leadID == lead {
                if case .accountUpserted = events[i].payload { continue }
                events[i].accountID = account
            }
        }
    }

    // MARK: - Union-find

    mutating func find(_ n0: Int32) -> Int32 {
        var n = n0
        while parent[Int(n)] != n { n = parent[Int(n)] }
        var m = n0
        while parent[Int(m)] != n {  // path compression
            let next = parent[Int(m)]
            parent[Int(m)] = n
            m = next
        }
        return n
    }

    /// Finds or creates the lead for identifiers seen together, merging leads
    /// they connect. Returns the root node.
    mutating func resolveLead(_ ids: [Identifier], time: EventTime, system: SourceSystem, external: String?, _ out: inout Emitter) -> Int32
    {
        var roots: [Int32] = []
        var fresh: [Identifier] = []
        for id in ids where !fresh.contains(id) {
            if let n = nodeOf[id.key] {
                let r = find(n)
                if !roots.contains(r) { roots.append(r) }
            } else {
                fresh.append(id)
            }
        }
        let root: Int32
        if roots.isEmpty {
            root = Int32(parent.count)
            var attempt = 0
            var id = leadIDScheme.derive(from: fresh[0])
            while issued.contains(id.raw) {
                attempt += 1
                id = leadIDScheme.derive(from: fresh[0], attempt: attempt)
            }
            issued.insert(id.raw)
            leads[root] = LeadState(id: id, firstSeen: time)
            counters.leadsCreated += 1
        } else {
            // Survivor: earliest first-seen event time, then smallest lead id.
            root = roots.min { a, b in
                let la = leads[a]!
                let lb = leads[b]!
                return la.firstSeen != lb.firstSeen ? la.firstSeen < lb.firstSeen : la.id < lb.id
            }!
            for r in roots where r != root {
                let absorbed = leads.removeValue(forKey: r)!
                parent[Int(r)] = root
                counters.merges += 1
                var s = leads[root]!
                out.emit(time, s.id, s.account, system, external, .identityMerged(absorbed: absorbed.id))
                if let m = absorbed.method, let a = absorbed.account, s.method.map({ m > $0 }) ?? true {
                    s.account = a
                    s.method = m
                    leads[root] = s
                    out.emit(time, s.id, a, system, external, .accountLinked(m))
                }
            }
        }
        for id in fresh {
            let n = Int32(parent.count)
            parent.append(root == n ? n : root)
            nodeOf[id.key] = n
        }
        if !fresh.isEmpty {
            let s = leads[root]!
            out.emit(time, s.id, s.account, system, external, .identityLinked(fresh))
        }
        return root
    }

    /// Links the lead at `root` to `account` if `method` is at least as strong as its current link.
    mutating func link(
        _ root: Int32, to account: AccountID, by method: AccountLinkMethod, time: EventTime,
        system: SourceSystem, external: String?, _ out: inout Emitter
    ) {
        var s = leads[root]!
        if let cur = s.method {
            if method < cur { return }
            if method == cur && s.account == account { return }
        }
        s.account = account
        s.method = method
        leads[root] = s
        out.emit(time, s.id, account, system, external, .accountLinked(method))
    }

    /// Account candidates from person facts, strongest first.
    mutating func linkFromFacts(
        _ root: Int32, email: NormalizedEmail?, website: String?, company: String?,
        time: EventTime, system: SourceSystem, external: String?, _ out: inout Emitter
    ) {
        if let w = website, let d = DomainNormalizer.registrableDomain(w),
            DomainNormalizer.mailKind(ofDomain: d) == .corporate
        {
            link(root, to: AccountID(d), by: .website, time: time, system: system, external: external, &out)
        }
        if let e = email, e.kind == .corporate, let d = e.registrableDomain {
            link(root, to: AccountID(d), by: .emailDomain, time: time, system: system, external: external, &out)
        }
        if let c = company, let key = CompanyNameNormalizer.matchKey(c), let entry = accountByCompany[key], let a = entry {
            link(root, to: a, by: .companyName, time: time, system: system, external: external, &out)
        }
    }

    mutating func registerCompanyName(_ name: String?, for account: AccountID) {
        guard let name, let key = CompanyNameNormalizer.matchKey(name) else { return }
        switch accountByCompany[key] {
        case nil: accountByCompany[key] = .some(account)
        case .some(.some(let a)) where a != account: accountByCompany[key] = .some(nil)  // ambiguous
        default: break
        }
    }

    // MARK: - Attributes

    /// ``JobTitleClassifier/classify(_:)`` memoized (titles repeat a lot).
    mutating func classify(_ title: String) -> TitleClassification {
        if let c = titleCache[title] { return c }
        let c = JobTitleClassifier.classify(title)
        if titleCache.count < Self.memoLimit { titleCache[title] = c }
        return c
    }

    /// The configured email normalization, memoized (a person's address repeats in every event).
    mutating func normalizeEmail(_ raw: String) -> NormalizedEmail? {
        if let c = emailCache[raw] { return c }
        let c = configuration.email.normalize(raw)
        if emailCache.count < Self.memoLimit { emailCache[raw] = .some(c) }
        return c
    }

    static func attributes(
        classify: (String) -> TitleClassification, email: NormalizedEmail?, firstName: String?, lastName: String?, fullName: String?,
        title: String?,
        phone: String?, company: String?, website: String?, country: String?, state: String?,
        employees: Int?, revenue: Double?, industry: String?, leadSource: String?
    ) -> [AttributeValue] {
        var a: [AttributeValue] = []
        func add(_ n: AttributeName, _ v: String?) {
            guard let v else { return }
            let t = Text.trim(v)
            if !t.isEmpty { a.append(AttributeValue(n, t)) }
        }
        add(.email, email?.address)
        var first = firstName
        var last = lastName
        if first == nil, last == nil, let full = fullName.map(Text.trim), !full.isEmpty {
            let parts = full.split(separator: " ", maxSplits: 1)
            first = String(parts[0])
            last = parts.count > 1 ? String(parts[1]) : nil
        }
        add(.firstName, first)
        add(.lastName, last)
        add(.title, title)
        let iso = country.flatMap { CountryNormalizer.alpha2($0) }
        if let p = phone { add(.phone, PhoneNormalizer.e164(p, country: iso) ?? p) }
        add(.company, company)
        add(.website, website.flatMap { DomainNormalizer.host($0) })
        add(.country, iso)
        add(.state, state)
        add(.employees, employees.map(String.init))
        add(.annualRevenue, revenue.map(CanonicalJSON.formatNumber))
        add(.industry, industry)
        add(.leadSource, leadSource)
        if let t = title, !Text.trim(t).isEmpty {
            let c = classify(t)
            a.append(AttributeValue(.seniority, c.seniority.rawValue))
            a.append(AttributeValue(.jobFunction, c.function.rawValue))
            a.append(AttributeValue(.buyingRole, c.role.rawValue))
        }
        return a
    }

    // MARK: - CRM

    mutating func resolveCRM(_ e: CRMEvent, _ out: inout Emitter) {
        let t = e.occurredAt
        let ext = e.eventID
        let record = e.recordID.map { Identifier(.crmRecord, e.source + ":" + $0) }
        func personRoot(email: String?) -> Int32 {
            var ids: [Identifier] = []
            if let r = record { ids.append(r) }
            if let e = email, let m = normalizeEmail(e) { ids.append(Identifier(.email, m.identityKey)) }
            return resolveLead(ids, time: t, system: .crm, external: ext, &out)
        }
        let start = out.events.count
        switch e.payload {
        case .person(let p):
            let email = p.email.flatMap { normalizeEmail($0) }
            let root = personRoot(email: p.email)
            linkFromFacts(root, email: email, website: p.website, company: p.company, time: t, system: .crm, external: ext, &out)
            let s = leads[root]!
            let attrs = Self.attributes(
                classify: { self.classify($0) }, email: email, firstName: p.firstName, lastName: p.lastName, fullName: nil, title: p.title,
                phone: p.phone, company: p.company, website: p.website, country: p.country, state: p.state,
                employees: p.employees, revenue: p.annualRevenue, industry: p.industry, leadSource: p.leadSource)
            if !attrs.isEmpty { out.emit(t, s.id, s.account, .crm, ext, .attributes(attrs)) }
            if !p.custom.isEmpty { out.emit(t, s.id, s.account, .crm, ext, .customFields(p.custom)) }
            out.settleAccount(of: s.id, to: s.account, from: start)
        case .account(let a):
            let id = accountID(domain: a.domain, crm: e.source + ":" + a.accountID)
            accountByCRM[e.source + ":" + a.accountID] = id
            registerCompanyName(a.name, for: id)
            var f = AccountFacts()
            f.name = a.name.map(Text.trim)
            f.domain = a.domain.flatMap { DomainNormalizer.registrableDomain($0) }
            f.industry = a.industry
            f.employees = a.employees
            f.annualRevenue = a.annualRevenue
            f.country = a.country.flatMap { CountryNormalizer.alpha2($0) }
            f.ownerID = a.ownerID
            f.parent = a.parentDomain.flatMap { DomainNormalizer.registrableDomain($0) }.map(AccountID.init)
            if f.parent == id { f.parent = nil }
            f.crmAccountID = a.accountID
            f.custom = a.custom
            out.emit(t, nil, id, .crm, ext, .accountUpserted(f))
        case .opportunity(let o):
            let account = o.accountDomain.flatMap { DomainNormalizer.registrableDomain($0) }.map(AccountID.init)
            var facts = OpportunityFacts(opportunityID: o.opportunityID)
            facts.stage = o.stage
            facts.amount = o.amount
            facts.closeDate = o.closeDate
            facts.isClosed = o.isClosed
            facts.isWon = o.isWon
            for email in o.contactEmails {
                guard let m = normalizeEmail(email) else { continue }
                let s0 = out.events.count
                let root = resolveLead([Identifier(.email, m.identityKey)], time: t, system: .crm, external: ext, &out)
                if let account { link(root, to: account, by: .crmOpportunity, time: t, system: .crm, external: ext, &out) }
                let s = leads[root]!
                out.settleAccount(of: s.id, to: s.account, from: s0)
                if !facts.contacts.contains(s.id) { facts.contacts.append(s.id) }
            }
            out.emit(t, nil, account, .crm, ext, .opportunity(facts))
        case .activity(let a):
            let root = personRoot(email: a.email)
            let s = leads[root]!
            let action: EngagementAction =
                switch a.kind {
                case .call: .call
                case .meeting: .meeting
                case .emailReply: .emailReply
                case .note: .note
                }
            out.emit(t, s.id, s.account, .crm, ext, .engagement(Engagement(action: action, category: .contact, detail: a.outcome)))
            out.settleAccount(of: s.id, to: s.account, from: start)
        case .outcome(let reason, let email, let opp):
            let root = personRoot(email: email)
            let s = leads[root]!
            out.emit(
                t, s.id, s.account, .crm, ext,
                .outcome(kind: e.type == .leadConverted ? .converted : .disqualified, reason: reason, opportunityID: opp))
            out.settleAccount(of: s.id, to: s.account, from: start)
        case .override(let o):
            let root = personRoot(email: nil)
            let s = leads[root]!
            out.emit(t, s.id, s.account, .crm, ext, o.map { .overrideSet($0) } ?? .overrideCleared)
            out.settleAccount(of: s.id, to: s.account, from: start)
        case .erasure(let email):
            guard let m = normalizeEmail(email), let n = nodeOf[Identifier(.email, m.identityKey).key] else {
                counters.erasuresUnknown += 1
                out.emit(t, nil, nil, .crm, ext, .erasure)
                return
            }
            let s = leads[find(n)]!
            // Forget the email: a later event with it starts a new person. The
            // normalization memo may hold the address in any spelling: drop it all.
            nodeOf[Identifier(.email, m.identityKey).key] = nil
            emailCache.removeAll()
            out.emit(t, s.id, s.account, .crm, ext, .erasure)
        }
    }

    func accountID(domain: String?, crm: String) -> AccountID {
        if let raw = domain, let d = DomainNormalizer.registrableDomain(raw) { return AccountID(d) }
        return accountByCRM[crm] ?? AccountID("crm:" + crm)
    }

    // MARK: - Web

    mutating func resolveWeb(_ e: SegmentEvent, _ out: inout Emitter) {
        let t = e.timestamp
        let ext = e.messageID
        let email = e.traits.email.flatMap { normalizeEmail($0) }
        var ids: [Identifier] = []
        if let u = e.userID { ids.append(Identifier(.userID, u)) }
        if e.type == .identify, let m = email { ids.append(Identifier(.email, m.identityKey)) }
        if let a = e.anonymousID { ids.append(Identifier(.anonymousID, a)) }
        let anonymousOnly = e.userID == nil && !(e.type == .identify && email != nil)
        if anonymousOnly, e.type == .page || e.type == .track, let a = e.anonymousID, nodeOf[Identifier(.anonymousID, a).key] == nil {
            buffer(e, visitor: a)
            return
        }
        let start = out.events.count
        let root = resolveLead(ids, time: t, system: .web, external: ext, &out)
        switch e.type {
        case .identify:
            linkFromFacts(
                root, email: email, website: e.traits.website, company: e.traits.company, time: t, system: .web, external: ext, &out)
            let s = leads[root]!
            let attrs = Self.attributes(
                classify: { self.classify($0) }, email: email, firstName: e.traits.firstName, lastName: e.traits.lastName,
                fullName: e.traits.name,
                title: e.traits.title, phone: e.traits.phone, company: e.traits.company, website: e.traits.website,
                country: e.traits.country, state: nil, employees: nil, revenue: nil, industry: e.traits.industry,
                leadSource: nil)
            if !attrs.isEmpty { out.emit(t, s.id, s.account, .web, ext, .attributes(attrs)) }
        case .page, .track:
            let s = leads[root]!
            out.emit(t, s.id, s.account, .web, ext, .engagement(Self.engagement(of: e)))
        case .group:
            let g = e.groupID!
            let domain = (e.traits.website ?? e.traits.domain).flatMap { DomainNormalizer.registrableDomain($0) }
            let id = domain.map(AccountID.init) ?? accountByGroup[g] ?? AccountID("seg:" + g)
            accountByGroup[g] = id
            registerCompanyName(e.traits.name, for: id)
            var f = AccountFacts()
            f.name = e.traits.name
            f.domain = domain
            f.industry = e.traits.industry
            f.employees = e.traits.employees
            out.emit(t, nil, id, .web, ext, .accountUpserted(f))
            link(root, to: id, by: .segmentGroup, time: t, system: .web, external: ext, &out)
        }
        if let a = e.anonymousID, let buffered = pending.removeValue(forKey: a) {
            let s = leads[root]!
            counters.anonymousPending -= buffered.count
            for p in buffered {
                guard p.event.timestamp.milliseconds >= watermark.milliseconds &- configuration.anonymousTTL else {
                    counters.anonymousExpired += 1
                    continue
                }
                counters.anonymousFlushed += 1
                // Flushed events take this (identifying) message's position, so offsets of a
                // source partition stay monotonic in the log; the original messageId and
                // event time are kept.
                out.emit(p.event.timestamp, s.id, s.account, .web, p.event.messageID, .engagement(Self.engagement(of: p.event)))
            }
        }
        let s = leads[root]!
        out.settleAccount(of: s.id, to: s.account, from: start)
    }

    static func engagement(of e: SegmentEvent) -> Engagement {
        let path = e.pagePath ?? e.pageURL.map(ContentCategory.path(ofURL:))
        if e.type == .track {
            return Engagement(
                action: .track, category: ContentCategory.classify(explicit: e.category, eventName: e.event),
                content: e.event, campaign: e.campaign)
        }
        return Engagement(
            action: .pageView, category: ContentCategory.classify(explicit: e.category, path: path),
            content: path, campaign: e.campaign)
    }

    mutating func buffer(_ e: SegmentEvent, visitor: String) {
        var list = pending[visitor] ?? []
        if list.count >= configuration.maxBufferedPerVisitor {
            list.removeFirst()
            counters.anonymousOverflowed += 1
            counters.anonymousPending -= 1
        }
        list.append(Pending(event: e))
        pending[visitor] = list
        counters.anonymousBuffered += 1
        counters.anonymousPending += 1
    }

    /// Drops buffered anonymous events older than the TTL behind the watermark.
    /// Runs whenever the watermark has advanced a quarter TTL since the last sweep.
    mutating func sweepIfDue() {
        guard watermark >= nextSweep else { return }
        nextSweep = EventTime(milliseconds: watermark.milliseconds &+ max(1, configuration.anonymousTTL / 4))
        expire()
    }

    /// Expires every buffered anonymous event older than watermark − TTL (counted).
    package mutating func expire() {
        let cutoff = watermark.milliseconds &- configuration.anonymousTTL
        // Order of visiting does not matter: every visitor is treated alike and only counters change.
        for visitor in Array(pending.keys) {
            var list = pending[visitor]!
            let before = list.count
            list.removeAll { $0.event.timestamp.milliseconds < cutoff }
            let dropped = before - list.count
            if dropped > 0 {
                counters.anonymousExpired += dropped
                counters.anonymousPending -= dropped
                pending[visitor] = list.isEmpty ? nil : list
            }
        }
    }

    // MARK: - Email

    mutating func resolveEmail(_ e: SendGridEvent, _ out: inout Emitter) {
        guard let m = normalizeEmail(e.email) else { return }
        let t = e.timestamp
        let start = out.events.count
        let root = resolveLead([Identifier(.email, m.identityKey)], time: t, system: .email, external: e.sgEventID, &out)
        linkFromFacts(root, email: m, website: nil, company: nil, time: t, system: .email, external: e.sgEventID, &out)
        let s = leads[root]!
        let action = EngagementAction(rawValue: e.event.rawValue)!
        let category: ContentCategory = e.event == .click ? ContentCategory.classify(url: e.url).orEmail : .email
        var detail: String?
        if e.event == .bounce || e.event == .dropped { detail = [e.bounceType, e.reason].compactMap { $0 }.joined(separator: ": ") }
        out.emit(
            t, s.id, s.account, .email, e.sgEventID,
            .engagement(
                Engagement(
                    action: action, category: category, content: e.event == .click ? e.url : nil,
                    campaign: e.campaignID ?? e.categories.first, detail: detail)))
        out.settleAccount(of: s.id, to: s.account, from: start)
    }
}

extension ContentCategory {
    var orEmail: ContentCategory { self == .other ? .email : self }
}
