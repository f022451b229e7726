import Foundation
import LeadLedgerCore

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
    let auditID: DecisionID
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
            decisionID: auditID.text, eventKind: event.payload.kind,
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
                memo: &state.scratch.memo)
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
        // and the new one written back through the same slot below (slots are stable, and nothing in
        // between reads this lead's decision from `state.leads`).
        let slot = state.leads.slot(of: id)
        var activity = LeadActivity()
        var prev: LeadDecision?  // the previous open decision (a closed route has none)
        if let slot { state.leads[slot: slot].takeOpenDecision(activity: &activity, decision: &prev) }
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
        let disq = ev.row.withUnsafeBufferPointer {
            decider.gate.disqualifier(fields: lead, row: $0, extractor: decider.core.configuration.extractor, memo: &state.scratch.memo)
        }
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
        let routeID: DecisionID? =
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
        let written = slot ?? state.leads.slot(inserting: id)
        state.leads[slot: written].decision = decision
        // The emails are written only by a routing record and by the audit record's primary decision
        // (a further decision has none): collected only when this decision may be either (as `record`).
        let emails = routeID != nil || becomesPrimary(id) ? emailsOf(lead) : []
        let scores = ev.scores
        let reasons = DecisionReasons(ev, gate: overridden ? nil : g)  // an override, not the gate, set an overridden route
        let routeText = routeID?.text
        if let routeText, let change {
            let routing = RoutingRecord(
                decisionID: routeText, leadID: id, accountID: account?.id.rawValue, arm: arm, change: change, emails: emails,
                eventTime: eventTimeText, lineage: lineage, route: decision, scores: scores, reasons: reasons)
            self.routing.append(routing)
        }
        record(
            AuditRecord.Decision(
                leadID: id, route: consume decision, previous: consume prev, change: change, routingDecisionID: routeText,
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
            let routeText = routeID.text
            let d = LeadDecision(
                decisionID: routeID, tier: prev.tier, scoreTier: prev.scoreTier, queue: "closed", ownerID: nil, holdsCapacity: false,
                score: prev.score, overridden: false, escalated: false, closed: true, slaDeadline: nil)
            state.leads[inserting: id].decision = d
            let arm = arm(of: id)
            let routing = RoutingRecord(
                decisionID: routeText, leadID: id, accountID: event.accountID?.rawValue, arm: arm, change: change, emails: [],
                eventTime: eventTimeText, lineage: lineage, route: d, scores: nil, reasons: .none)
            self.routing.append(routing)
            record(
                AuditRecord.Decision(
                    leadID: id, route: d, previous: prev, change: change, routingDecisionID: routeText, stateHash: stateHash, arm: arm,
                    gate: nil, scores: nil, reasons: .none),
                accountID: event.accountID?.rawValue, emails: [], evaluation: nil)
        } else {
            let d =
                prev
                ?? LeadDecision(
                    decisionID: auditID, tier: .nurture, scoreTier: .nurture, queue: "closed", ownerID: nil, holdsCapacity: false,
                    score: 0, overridden: false, escalated: false, closed: true, slaDeadline: nil)
            state.leads[inserting: id].decision = d
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
            prev.decisionID.mix(into: &h)
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
