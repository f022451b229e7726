import Foundation
import LeadLedgerCore

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
            let slot = state.leads.slot(inserting: id)
            state.leads[slot: slot].activity.add(e, at: t, halfLifeMs: halfLifeMs)
            switch e.action {
            case .call, .meeting, .emailReply, .note:
                if let dl = state.leads[slot: slot].decision?.slaDeadline {
                    state.removeTimer(lead: id, deadline: dl)
                    state.leads[slot: slot].decision?.slaDeadline = nil
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
                        state.leads[inserting: survivor].activity.merge(a, halfLifeMs: halfLifeMs)
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
        let strings = lead.ledger.strings
        // By id: only the emails are made into Strings.
        lead.ledger.forEachIdentifierID(of: lead.handle) { kind, id in
            guard kind == .email, let value = strings[id] else { return }
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

extension RecordJSON {
    /// A number as the record encoding writes it (for sentences).
    static func format(_ v: Double) -> String {
        var w = RecordJSON()
        w.double(v)
        return String(decoding: w.bytes, as: UTF8.self)
    }
}
