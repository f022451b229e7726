import Foundation
import LeadLedgerCore

/// Encoded output records of one applied log event, in emission order.
package struct DecisionOutput: Sendable, Equatable {
    /// One Kafka record: key (`lead_id` for routing records, the event's
    /// key for its audit record), the JSON value bytes, and the record's
    /// `decision_id` (also in the value; the engine sends it as a header).
    package struct Record: Sendable, Equatable {
        package var key: String
        package var value: [UInt8]
        package var decisionID: String
        /// The route change a routing record announces (its `change` field); nil
        /// for audit records. For metrics: reading it costs no decoding.
        package var change: RouteChange? = nil
    }
    /// `leadledger.audit` records: exactly one per applied event (audit
    /// schema_version 2), key = the event's Kafka key.
    package var audit: [Record] = []
    /// `leadledger.routing` records: one per route change.
    package var routing: [Record] = []
    /// How many lead decisions the event made (decided or closed leads: the
    /// audit record's primary decision plus its `further_decisions`; 0 when
    /// it decided no lead).
    package var decisions = 0
    /// The event's decisions by tier, indexed by ``Tier/code`` (for
    /// metrics; a fixed-size vector, so counting allocates nothing).
    package var decisionsByTier = SIMD8<UInt16>()
    /// An empty output.
    package init() {}
}

/// The decision stage for one log partition's events. Stateless and
/// `Sendable`: every mutable thing lives in the caller's ``DecisionState``.
///
/// ```swift
/// let decider = Decider(try DecisionConfiguration.load(scoringConfig: s, routingRules: r))
/// var state = DecisionState()                        // or DecisionState(snapshot: bytes)
/// ledger.apply(event, effects: &effects)
/// let out = decider.decide(event: event, effects: effects, ledger: ledger,
///                          logPartition: p, logOffset: o, state: &state)
/// // produce out.audit → leadledger.audit, out.routing → leadledger.routing (key = record.key)
/// ```
///
/// Per event, in this order: (1) the watermark advances to the event time;
/// (2) due SLA timers (deadline ≤ watermark) fire, in (deadline, lead) order,
/// escalating sales_ready routes that saw no CRM activity; (3) an engagement
/// updates the lead's decayed activity, and a CRM activity (call, meeting,
/// email reply, note) stops the lead's SLA timer; (4) the leads named by
/// `effects` are decided in effect order (merged-away and erased leads have
/// their route closed; an account change re-decides all its contacts, in
/// lead-id order, only when the account's inputs differ from those at its
/// last fan-out: see `AccountFanOut.swift`), each producing, when the route
/// changed, a routing record.
///
/// Every event yields exactly one audit record (schema_version 2), keyed by
/// the event's Kafka key, with `decision_id` = `DecisionID.make(partition:
/// offset:kind: "audit")`. Its top level is the event's primary decision (the
/// event's own lead when this event decided it, else the first lead decided;
/// all decision fields null when it decided no lead) with the full feature
/// vector; every other decision of the event is a compact entry of
/// `further_decisions`, in decision order. Each decision names the routing
/// record it emitted (`routing_decision_id`, null when the route did not
/// change). Same inputs give the same bytes.
///
/// The decider decides, then encodes: each decision is a typed value
/// (``LeadDecision``, ``RouteChange``, scores and reasons), gathered into a
/// `RoutingRecord` per route change and the event's `AuditRecord`, and only
/// their codecs (`RoutingRecordCodec`, `AuditRecordCodec`) write bytes.
package struct Decider: Sendable {
    /// Whether audit records leave `emails` empty (SPEC §12: the audit topic
    /// carries no plaintext personal data). Set when personal fields are sealed
    /// (a master key is configured); off, the audit bytes are as before.
    package var pseudonymousAudit = false

    /// Opens a sealed personal field (an email a routing record carries); nil:
    /// fields are in plaintext. The projections keep fields sealed.
    package var openPersonalField: (@Sendable (String) -> String)?

    /// The configuration the decisions are made with.
    package var configuration: DecisionConfiguration { core.configuration }
    var gate: QualificationGate { core.gate }
    var halfLifeMs: Double { core.halfLifeMs }
    /// The state hash's accumulator after the model and ruleset versions (its constant prefix).
    var versionsHash: StableHash { core.versionsHash }

    /// The immutable parts behind one reference: a per-event ``Context`` holds
    /// the decider, and copying it then costs one retain instead of one per
    /// reference inside the configuration. Sendable as a final class of `let`s.
    final class Core: Sendable {
        let configuration: DecisionConfiguration
        let gate: QualificationGate
        let halfLifeMs: Double
        let versionsHash: StableHash
        /// The codecs of the records, with this configuration's constant runs.
        let routingCodec: RoutingRecordCodec
        let auditCodec: AuditRecordCodec
        /// The round-robin state keys (`territory \u{1F} owner`), per territory per owner, built once.
        let roundRobinKeys: [[String]]
        init(configuration: DecisionConfiguration, gate: QualificationGate, halfLifeMs: Double, versionsHash: StableHash) {
            self.configuration = configuration
            self.gate = gate
            self.halfLifeMs = halfLifeMs
            self.versionsHash = versionsHash
            let fragments = RecordFragments(configuration)
            routingCodec = RoutingRecordCodec(configuration, fragments: fragments)
            auditCodec = AuditRecordCodec(configuration, fragments: fragments)
            roundRobinKeys = configuration.routing.territories.map { t in t.owners.map { t.name + "\u{1F}" + $0.id } }
        }
    }
    let core: Core

    package init(_ configuration: DecisionConfiguration) {
        let gate = QualificationGate(configuration.scoring.gate)
        let halfLifeMs = configuration.scoring.halfLifeDays * 86_400_000
        var h = StableHash()
        h.string(configuration.modelVersion)
        h.string(configuration.rulesetVersion)
        core = Core(configuration: configuration, gate: gate, halfLifeMs: halfLifeMs, versionsHash: h)
    }

    /// Decides after `event` (already applied to `ledger`, which produced `effects`)
    /// and encodes the records with their codecs.
    package func decide(
        event: CanonicalEvent, effects: [ProjectionEffect], ledger: Ledger,
        logPartition: Int32, logOffset: Int64, state: inout DecisionState
    ) -> DecisionOutput {
        let decided = decideRecords(
            event: event, effects: effects, ledger: ledger, logPartition: logPartition, logOffset: logOffset, state: &state)
        var w = RecordWriter(taking: &state.scratch.writerBuffer)
        var out = DecisionOutput()
        out.decisions = decided.decisions
        out.decisionsByTier = decided.decisionsByTier
        out.routing.reserveCapacity(decided.routing.count)
        for r in decided.routing {
            let bytes = core.routingCodec.encode(r, into: &w)
            out.routing.append(.init(key: r.leadID.description, value: bytes, decisionID: r.decisionID, change: r.change))
        }
        let audit = core.auditCodec.encode(decided.audit, into: &w)
        out.audit.append(.init(key: event.key, value: audit, decisionID: decided.audit.decisionID))
        state.scratch.writerBuffer = w.buffer  // kept for the next event
        return out
    }

    /// Decides after `event` (already applied to `ledger`, which produced `effects`):
    /// the event's records as typed values, not yet encoded.
    func decideRecords(
        event: CanonicalEvent, effects: [ProjectionEffect], ledger: Ledger,
        logPartition: Int32, logOffset: Int64, state: inout DecisionState
    ) -> EventDecisions {
        var ctx = Context(
            decider: self, event: event, partition: logPartition, offset: logOffset,
            primaryLead: event.leadID.map { ledger.survivor(of: $0) ?? $0 })
        let t = event.eventTime.milliseconds
        if t > state.watermark { state.watermark = t }
        // SLA timers in event time.
        while let first = state.timers.first, first.deadline <= state.watermark {
            state.timers.removeFirst()
            ctx.decideLead(ledger: ledger, first.lead, state: &state, escalateDeadline: first.deadline)
        }
        // Activity.
        let duplicate = effects.contains(.duplicateIgnored)
        if !duplicate, case .engagement(let e) = event.payload, let raw = event.leadID {
            let id = ledger.survivor(of: raw) ?? raw
            state.leads[id, default: LeadState()].activity.add(e, at: t, halfLifeMs: halfLifeMs)
            switch e.action {
            case .call, .meeting, .emailReply, .note:
                if var d = state.leads[id]?.decision, let dl = d.slaDeadline {
                    state.removeTimer(lead: id, deadline: dl)
                    d.slaDeadline = nil
                    state.leads[id]!.decision = d
                }
            default: break
            }
        }
        // Leads named by the effects, in order, each once.
        var seen = Set<LeadID>()
        var overrideChanged: [LeadID] = []
        for case .overrideChanged(let id) in effects { overrideChanged.append(id) }
        for effect in effects {
            switch effect {
            case .leadChanged(let id), .outcomeRecorded(let id, _), .overrideChanged(let id):
                if seen.insert(id).inserted {
                    ctx.decideLead(ledger: ledger, id, state: &state, overrideChanged: overrideChanged.contains(id))
                }
            case .leadMerged(let survivor, let absorbed):
                if seen.insert(absorbed).inserted {
                    if let a = state.leads[absorbed]?.activity, a.time != .min {
                        var s = state.leads[survivor, default: LeadState()].activity
                        s.merge(a, halfLifeMs: halfLifeMs)
                        state.leads[survivor, default: LeadState()].activity = s
                    }
                    ctx.close(absorbed, change: .merged, state: &state)
                }
                if seen.insert(survivor).inserted { ctx.decideLead(ledger: ledger, survivor, state: &state) }
            case .leadErased(let id):
                seen.insert(id)
                ctx.close(id, change: .erased, state: &state)
                state.leads[id]?.activity = LeadActivity()
            case .accountChanged(let account):
                guard let a = ledger.handle(of: account) else { continue }
                // Fan out only when the account's inputs differ from those at its last fan-out (AccountFanOut.swift).
                let signature = ctx.accountSignature(a, ledger)
                if state.accountSignatures[account] == signature { continue }
                state.accountSignatures[account] = signature
                // The account's contacts in lead-id order (as AccountProfile.contacts).
                for c in ledger.contactIDs(of: a) where seen.insert(c).inserted { ctx.decideLead(ledger: ledger, c, state: &state) }
            case .duplicateIgnored:
                break
            }
        }
        return ctx.finish(state: state)
    }
}

extension Decider {
    /// The lead's email addresses, opened when personal fields are sealed, each once.
    func emails(of lead: LedgerLead) -> [String] {
        var out: [String] = []
        let open = openPersonalField
        lead.forEachIdentifier { kind, value in
            guard kind == .email else { return }
            let email = open?(value) ?? value
            if !out.contains(email) { out.append(email) }
        }
        return out
    }

    /// Owner assignment for sales tiers: keep the current owner; else the account
    /// owner (if `account_owner_first`); else the first matching territory's
    /// smooth weighted round-robin over owners below capacity; else the overflow queue.
    func assignOwner(
        _ id: LeadID, _ lead: LedgerLead, _ account: AccountSignals?, _ prev: LeadDecision?, _ tier: Tier,
        _ state: inout DecisionState, queue: inout String
    ) -> (String?, Bool) {
        let rules = configuration.routing
        // `held`: the owner whose capacity slot this lead already counts against.
        let held = prev.flatMap { $0.holdsCapacity ? $0.ownerID : nil }
        let current = prev.flatMap { $0.tier.assignsOwner && !$0.overridden ? held : nil }
        if rules.accountOwnerFirst, let o = account?.ownerID {
            if held != o { state.ownerLoad[o, default: 0] += 1 }
            return (o, true)
        }
        let country = lead.value(.country) ?? account?.country
        let employees = lead.value(.employees).flatMap { Double($0) } ?? account?.employees.map(Double.init)
        let uppercasedCountry = country?.uppercased()  // once, not per territory
        guard let ti = rules.territories.firstIndex(where: { $0.matches(uppercasedCountry: uppercasedCountry, employees: employees) })
        else {
            queue = rules.overflowQueue
            return (nil, false)
        }
        let t = rules.territories[ti]
        let keys = core.roundRobinKeys[ti]
        // Keep the current owner while it still serves the lead's territory.
        if let current, t.owners.contains(where: { $0.id == current }) { return (current, true) }
        var total: Int64 = 0
        var best = -1
        var bestWeight = Int64.min
        for (i, o) in t.owners.enumerated() where o.id == held || state.ownerLoad[o.id, default: 0] < o.capacity {
            let key = keys[i]
            let cur = state.roundRobin[key, default: 0] + Int64(o.weight)
            state.roundRobin[key] = cur
            total += Int64(o.weight)
            if cur > bestWeight {
                bestWeight = cur
                best = i
            }
        }
        guard best >= 0 else {
            queue = rules.overflowQueue
            return (nil, false)
        }
        let chosen = t.owners[best].id
        state.roundRobin[keys[best]]! -= total
        if held != chosen { state.ownerLoad[chosen, default: 0] += 1 }
        return (chosen, true)
    }
}

extension LeadActivity {
    /// Adds another lead's activity (both brought to the later reference time).
    mutating func merge(_ o: LeadActivity, halfLifeMs: Double) {
        if time == .min {
            self = o
            return
        }
        let t = max(time, o.time)
        let a = at(t, halfLifeMs: halfLifeMs)
        let b = o.at(t, halfLifeMs: halfLifeMs)
        self = a
        for i in 0..<Self.fieldCount { set(i, a.value(i) + b.value(i)) }
    }
}

/// Per-event working context: decides the event's leads into typed records (its routing records and
/// the decisions of its audit record). Noncopyable: ``finish(state:)`` consumes it into the event's decisions.
struct Context: ~Copyable {
    let decider: Decider
    let event: CanonicalEvent
    let partition: Int32
    let offset: Int64
    /// The routing records of the event's route changes, in decision order.
    var routing: [RoutingRecord] = []
    /// The event's decisions by tier, indexed by ``Tier/code``.
    var decisionsByTier = SIMD8<UInt16>()
    /// `event_time` of every record of this event.
    let eventTimeText: String
    /// `lineage` of every record of this event.
    let lineage: RecordLineage

    /// The event's own lead (the survivor of `event.leadID`), the preferred primary decision.
    let primaryLead: LeadID?
    /// The event's audit decision id (also the fallback `LeadDecision.decisionID` of an unrouted decision).
    let auditID: String
    /// The audit record's primary decision so far: the event's own lead's latest decision, else the first one.
    var primary: AuditRecord.Primary?
    /// The account of ``primary``'s lead.
    var primaryAccountID: String?
    /// How many of ``further`` precede ``primary`` in decision order (where it goes when a later decision replaces it).
    var primaryPosition = 0
    /// Every other decision of the event, in decision order.
    var further: [AuditRecord.Decision] = []
    /// The event's state hash so far: `"event"`, then every decision's state hash in decision order.
    var eventHash = StableHash()
    /// How many lead decisions the event made.
    var decisionCount = 0

    init(decider: Decider, event: CanonicalEvent, partition: Int32, offset: Int64, primaryLead: LeadID?) {
        self.decider = decider
        self.event = event
        self.partition = partition
        self.offset = offset
        self.primaryLead = primaryLead
        auditID = DecisionID.make(partition: partition, offset: offset, kind: "audit")
        eventTimeText = event.eventTime.rfc3339
        lineage = RecordLineage(logPartition: partition, logOffset: offset, source: event.lineage.position)
        eventHash.string("event")
    }

    /// The lead's holdout arm under the rule set; nil when it has no holdout experiment.
    func arm(of lead: LeadID) -> Arm? { config.routing.holdout?.arm(of: lead) }

    /// Whether a decision of `lead` recorded now becomes the audit record's primary
    /// decision (its own lead, or the first lead decided), which carries its full inputs.
    func becomesPrimary(_ lead: LeadID) -> Bool { lead == primaryLead || primary == nil }

    /// Records a decision for the audit record. The primary decision is chosen here: a decision of the
    /// event's own lead, or the first decision, becomes it (the one it replaces goes back to its place
    /// among the further decisions); every other decision is a further one.
    mutating func record(
        _ decision: consuming AuditRecord.Decision, accountID: String?, emails: consuming [String],
        evaluation: consuming DecisionEvaluation?
    ) {
        decisionsByTier[Int(decision.route.tier.code)] &+= 1
        eventHash.hex16(decision.stateHash)
        decisionCount += 1
        guard becomesPrimary(decision.leadID) else {
            further.append(decision)
            return
        }
        if let replaced = primary.take() {
            further.insert(replaced.decision, at: primaryPosition)
        }
        primaryPosition = further.count
        primaryAccountID = accountID
        primary = AuditRecord.Primary(
            decision: decision, emails: decider.pseudonymousAudit ? [] : emails, features: evaluation?.row,
            contributions: evaluation?.contributions)
    }

    /// The event's decisions: its routing records and its one audit record (schema_version 2).
    consuming func finish(state: DecisionState) -> EventDecisions {
        let stateHash: UInt64
        if primary != nil {
            stateHash = eventHash.value
        } else {
            var h = StableHash()
            h.string("none")
            h.u64(UInt64(bitPattern: state.watermark))
            h.string(event.eventID)
            stateHash = h.value
        }
        let record = AuditRecord(
            decisionID: auditID, eventKind: event.payload.kind,
            accountID: primary == nil ? event.accountID?.rawValue : primaryAccountID, eventTime: eventTimeText,
            lineage: lineage, primary: primary, further: further, stateHash: stateHash)
        return EventDecisions(routing: routing, audit: record, decisionsByTier: decisionsByTier, decisions: decisionCount)
    }

    var config: DecisionConfiguration { decider.core.configuration }

    /// The last account's ``AccountSignals`` in this event: an account change
    /// decides every contact of the account with the same signals.
    var lastSignals: (Ledger.AccountHandle, AccountSignals)?

    /// The signals of account `a` at this event's time, computed once per account per event.
    mutating func accountSignals(_ a: Ledger.AccountHandle, _ ledger: Ledger) -> AccountSignals {
        if let cached = lastSignals, cached.0 == a { return cached.1 }
        let core = decider.core  // a local reference: the extractor is borrowed from it, not copied
        let s = core.configuration.extractor.accountSignals(a, ledger: ledger, at: event.eventTime)
        lastSignals = (a, s)
        return s
    }

    func evaluate(_ lead: LedgerLead, _ account: AccountSignals?, _ activity: LeadActivity, _ state: inout DecisionState)
        -> DecisionEvaluation
    {
        let core = decider.core  // a local reference: the extractor is borrowed from it, not copied
        let n = core.configuration.extractor.schema.count
        // The scratch belongs to one configuration (model version = scoring config + artifact hash).
        if state.scratch.configuration != config.modelVersion {
            state.scratch = Scratch()
            state.scratch.configuration = config.modelVersion
        }
        // The row's buffer is the scratch's, reused when no earlier evaluation still holds it
        // (copy-on-write: one kept by the event's records is left alone and a new one made).
        var row: [Double] = []
        swap(&row, &state.scratch.row)
        if row.count == n {
            row.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        } else {
            row = [Double](repeating: 0, count: n)
        }
        defer { state.scratch.row = row }
        row.withUnsafeMutableBufferPointer {
            core.configuration.extractor.extract(
                lead: lead, account: account, activity: activity, at: event.eventTime, into: $0,
                memo: &state.scratch.domains)
        }
        if state.scratch.scorer == nil {
            // Reasons name only features the lead has (a non-zero value, a category it belongs to).
            var scorer = EnsembleScorer(config.ensemble)
            scorer.topFromPresentFeatures = true
            state.scratch.scorer = scorer
        }
        // Evaluated in place (no copy of the scorer's buffers out of the scratch and back).
        let (z, p, s) = row.withUnsafeBufferPointer { state.scratch.scorer!.evaluate($0) }
        let fc = state.scratch.scorer!.featureContributions
        // Per-group sums in feature order (no array per decision).
        var g0 = 0.0
        var g1 = 0.0
        var g2 = 0.0
        var g3 = 0.0
        let defs = core.configuration.extractor.groups
        for j in 0..<n {
            switch defs[j] {
            case 0: g0 += fc[j]
            case 1: g1 += fc[j]
            case 2: g2 += fc[j]
            default: g3 += fc[j]
            }
        }
        return DecisionEvaluation(
            row: row, contributions: fc, base: state.scratch.scorer!.featureBase, margin: z, probability: p, score: s,
            top: state.scratch.scorer!.topFeatureIndices,
            components: (sigmoid(g0), sigmoid(g1), sigmoid(g2), sigmoid(g3)))
    }

    /// Decides one lead; `escalateDeadline` is set when its SLA timer fired.
    mutating func decideLead(
        ledger: Ledger, _ rawID: LeadID, state: inout DecisionState, overrideChanged: Bool = false, escalateDeadline: Int64? = nil
    ) {
        // The lead is read in place from the ledger's columns (no LeadProfile/AccountProfile built).
        guard let handle = ledger.handle(of: rawID) else { return }
        let lead = LedgerLead(ledger: ledger, handle: handle)
        let id = ledger.id(of: handle)
        if ledger.isErased(handle) {
            close(id, change: .erased, state: &state)
            return
        }
        let account = ledger.account(of: handle).map { accountSignals($0, ledger) }
        // One lookup: the lead's state is read in place (no LeadState copy); its decision is moved out
        // and the new one written back through the same index below (nothing in between inserts into
        // or removes from `state.leads`, or reads this lead's decision from it).
        let slot = state.leads.index(forKey: id)
        var activity = LeadActivity()
        var prev: LeadDecision?  // the previous open decision (a closed route has none)
        if let slot { state.leads.values[slot].takeOpenDecision(activity: &activity, decision: &prev) }
        var ev = evaluate(lead, account, activity, &state)
        if let account {
            for j in ev.top
            where j >= FeatureCatalogue.Index.engagedContacts && j <= FeatureCatalogue.Index.hierarchy
                && ev.contributions[j] != 0 && ev.row[j] != 0 && !ev.row[j].isNaN
            {
                if let p = graphPath(ledger, feature: j, lead: id, account: account) { ev.paths.append((j, p)) }
            }
        }
        // Gate.
        let health = ledger.emailHealth(of: handle)
        let disq = ev.row.withUnsafeBufferPointer { decider.gate.disqualifier(fields: lead, row: $0) }
        let employees = ev.row[FeatureCatalogue.Index.employees]
        let highValue =
            (!employees.isNaN && pow(10, employees) - 1 >= config.scoring.gate.reviewMinEmployees - 0.5)
            || ev.row[FeatureCatalogue.Index.openOpportunities] > 0
        let unsub = health.contains(.unsubscribed) || health.contains(.groupUnsubscribed)
        // A holdout lead is routed by the baseline (the rules that need no model); its score is still audited.
        let arm = arm(of: id)
        let g =
            arm == .holdout
            ? decider.gate.evaluateBaseline(
                score: ev.score, previousScoreTier: prev?.scoreTier, disqualifier: disq, unsubscribed: unsub,
                baselineTier: config.routing.holdout!.baselineTier)
            : decider.gate.evaluate(
                score: ev.score, probability: ev.probability, previousScoreTier: prev?.scoreTier,
                disqualifier: disq, unsubscribed: unsub, highValue: highValue)
        // Route.
        var tier = g.tier
        var queue = config.routing.queue(for: tier).queue
        var owner: String?
        var holds = false
        var overridden = false
        var escalated = false
        var change: RouteChange?
        let rules = config.routing
        if let o = ledger.override(of: handle) {
            overridden = true
            if let prev, prev.overridden, !overrideChanged {
                tier = prev.tier
                queue = prev.queue
                owner = prev.ownerID
                holds = prev.holdsCapacity
            } else {
                if let t = o.fields.tier { tier = t }
                queue = o.fields.queue ?? rules.queue(for: tier).queue
                owner = o.fields.ownerID
                if owner == nil, tier.assignsOwner { (owner, holds) = assignOwner(id, lead, account, prev, tier, &state, queue: &queue) }
                change = .override
            }
        } else if tier.assignsOwner {
            (owner, holds) = assignOwner(id, lead, account, prev, tier, &state, queue: &queue)
        }
        if !overridden, tier == .salesReady, let prev, prev.tier == .salesReady, prev.escalated, prev.ownerID == owner {
            escalated = true
            queue = rules.queue(for: .salesReady).escalateTo ?? queue
        }
        if !overridden, tier == .salesReady, let dl = escalateDeadline, prev?.slaDeadline == dl, !escalated {
            escalated = true
            queue = rules.queue(for: .salesReady).escalateTo ?? queue
            change = .escalation
        }
        if change == nil {
            if let prev {
                if prev.overridden && !overridden {
                    change = .overrideCleared
                } else if prev.tier != tier {
                    change = .tier
                } else if prev.queue != queue {
                    change = .queue
                } else if prev.ownerID != owner {
                    change = .owner
                }
            } else {
                change = .new
            }
        }
        // Capacity bookkeeping: release the previous owner's slot if it is not kept.
        if let prev, prev.holdsCapacity, let po = prev.ownerID, !(holds && owner == po) {
            state.ownerLoad[po, default: 1] -= 1
            if state.ownerLoad[po] == 0 { state.ownerLoad[po] = nil }
        }
        let routeChanged = change != nil
        let routeID: String? =
            !routeChanged
            ? nil
            : escalateDeadline != nil
                ? DecisionID.make(partition: partition, offset: offset, prefix: "escalation:", lead: id)
                : DecisionID.make(partition: partition, offset: offset, prefix: "route:", lead: id)
        // SLA timer.
        var deadline = prev?.slaDeadline
        if routeChanged {
            if let d = deadline {
                state.removeTimer(lead: id, deadline: d)
                deadline = nil
            }
            if tier == .salesReady, !overridden, !escalated, let sla = rules.queue(for: .salesReady).slaMs {
                deadline = event.eventTime.milliseconds + sla
                state.addTimer(SLATimer(deadline: deadline!, lead: id))
            }
        }
        let decision = LeadDecision(
            decisionID: routeID ?? (prev?.decisionID ?? auditID), tier: tier, scoreTier: g.scoreTier,
            queue: queue, ownerID: owner, holdsCapacity: holds, score: ev.score, overridden: overridden,
            escalated: escalated, closed: false, slaDeadline: deadline)
        let stateHash = hashState(id: id, ev: ev, prev: prev, activity: activity)
        if let slot { state.leads.values[slot].decision = decision } else { state.leads[id, default: LeadState()].decision = decision }
        // The emails are written only by a routing record and by the audit record's primary decision
        // (a further decision has none): collected only when this decision may be either (as `record`).
        let emails = routeID != nil || becomesPrimary(id) ? emailsOf(lead) : []
        let scores = ev.scores
        let reasons = DecisionReasons(ev, gate: overridden ? nil : g)  // an override, not the gate, set an overridden route
        if let routeID, let change {
            let routing = RoutingRecord(
                decisionID: routeID, leadID: id, accountID: account?.id.rawValue, arm: arm, change: change, emails: emails,
                eventTime: eventTimeText, lineage: lineage, route: decision, scores: scores, reasons: reasons)
            self.routing.append(routing)
        }
        record(
            AuditRecord.Decision(
                leadID: id, route: consume decision, previous: consume prev, change: change, routingDecisionID: routeID,
                stateHash: stateHash, arm: arm, gate: g, scores: scores, reasons: reasons),
            accountID: account?.id.rawValue, emails: emails, evaluation: consume ev)
    }

    /// Owner assignment for sales tiers (``Decider/assignOwner(_:_:_:_:_:_:queue:)``).
    func assignOwner(
        _ id: LeadID, _ lead: LedgerLead, _ account: AccountSignals?, _ prev: LeadDecision?, _ tier: Tier,
        _ state: inout DecisionState, queue: inout String
    ) -> (String?, Bool) {
        decider.assignOwner(id, lead, account, prev, tier, &state, queue: &queue)
    }

    /// Closes a lead's route (merged away or erased).
    mutating func close(_ id: LeadID, change: RouteChange, state: inout DecisionState) {
        let prev = state.leads[id]?.decision
        var h = StableHash()
        h.string("closed")
        h.u64(id.raw)
        h.u64(UInt64(bitPattern: event.eventTime.milliseconds))
        let stateHash = h.value
        if let prev, !prev.closed {
            if let dl = prev.slaDeadline { state.removeTimer(lead: id, deadline: dl) }
            if prev.holdsCapacity, let po = prev.ownerID {
                state.ownerLoad[po, default: 1] -= 1
                if state.ownerLoad[po] == 0 { state.ownerLoad[po] = nil }
            }
            let routeID = DecisionID.make(partition: partition, offset: offset, kind: "route:" + id.description)
            let d = LeadDecision(
                decisionID: routeID, tier: prev.tier, scoreTier: prev.scoreTier, queue: "closed", ownerID: nil, holdsCapacity: false,
                score: prev.score, overridden: false, escalated: false, closed: true, slaDeadline: nil)
            state.leads[id, default: LeadState()].decision = d
            let arm = arm(of: id)
            let routing = RoutingRecord(
                decisionID: routeID, leadID: id, accountID: event.accountID?.rawValue, arm: arm, change: change, emails: [],
                eventTime: eventTimeText, lineage: lineage, route: d, scores: nil, reasons: .none)
            self.routing.append(routing)
            record(
                AuditRecord.Decision(
                    leadID: id, route: d, previous: prev, change: change, routingDecisionID: routeID, stateHash: stateHash, arm: arm,
                    gate: nil, scores: nil, reasons: .none),
                accountID: event.accountID?.rawValue, emails: [], evaluation: nil)
        } else {
            let d =
                prev
                ?? LeadDecision(
                    decisionID: auditID, tier: .nurture, scoreTier: .nurture, queue: "closed", ownerID: nil, holdsCapacity: false,
                    score: 0, overridden: false, escalated: false, closed: true, slaDeadline: nil)
            state.leads[id, default: LeadState()].decision = d
            record(
                AuditRecord.Decision(
                    leadID: id, route: d, previous: prev, change: nil, routingDecisionID: nil, stateHash: stateHash, arm: arm(of: id),
                    gate: nil, scores: nil, reasons: .none),
                accountID: event.accountID?.rawValue, emails: [], evaluation: nil)
        }
    }

    func emailsOf(_ lead: LedgerLead) -> [String] { decider.emails(of: lead) }

    func hashState(id: LeadID, ev: DecisionEvaluation, prev: LeadDecision?, activity: LeadActivity) -> UInt64 {
        var h = decider.versionsHash  // FNV over model and ruleset versions, hashed once
        h.u64(id.raw)
        h.u64(UInt64(bitPattern: event.eventTime.milliseconds))
        ev.row.withUnsafeBufferPointer { for v in $0 { h.u64(v.bitPattern) } }
        h.u64(UInt64(bitPattern: activity.time))
        if let prev {
            h.string(prev.decisionID)
            h.byte(prev.tier.code)
            h.byte(prev.scoreTier.code)
            h.string(prev.queue)
            h.string(prev.ownerID ?? "")
            h.u64(UInt64(prev.score))
            h.byte((prev.overridden ? 1 : 0) | (prev.escalated ? 2 : 0))
            h.u64(UInt64(bitPattern: prev.slaDeadline ?? -1))
        } else {
            h.byte(0xEE)
        }
        return h.value
    }

    /// The graph path behind an account signal (LeadLedgerCore's `path(from:to:)`).
    /// The profile is only materialized for the opportunity and hierarchy signals.
    func graphPath(_ ledger: Ledger, feature j: Int, lead: LeadID, account signals: AccountSignals) -> [PathStep]? {
        typealias I = FeatureCatalogue.Index
        let target: GraphNode
        switch j {
        case I.engagedContacts:
            // The first engaged contact other than the lead, in `engagedContacts` order (lead id).
            guard let c = signals.engaged.first(where: { $0 != lead }) else { return nil }
            target = GraphNode(.lead, c.description)
        // The same targets the account fan-out signature covers (AccountFanOut.swift), read in place.
        case I.openOpportunities:
            guard let a = ledger.handle(of: signals.id), let o = ledger.firstOpenOpportunityID(of: a) else { return nil }
            target = GraphNode(.opportunity, o)
        case I.hierarchy:
            guard let a = ledger.handle(of: signals.id), let other = ledger.hierarchyNeighbor(of: a) else { return nil }
            target = GraphNode(.account, other.rawValue)
        default:
            target = GraphNode(.account, signals.id.rawValue)
        }
        // Every target is within 3 edges (lead → account → colleague/parent → opportunity).
        return ledger.path(from: lead, to: target, maxDepth: 3)
    }
}

extension RecordJSON {
    /// A number as the record encoding writes it (for sentences).
    static func format(_ v: Double) -> String {
        var w = RecordJSON()
        w.double(v)
        return String(decoding: w.bytes, as: UTF8.self)
    }
}
