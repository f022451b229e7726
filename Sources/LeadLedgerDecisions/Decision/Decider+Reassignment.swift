import LeadLedgerCore

extension Decider {
    /// Reassigns the open leads whose owner this decider's rules no longer allow,
    /// right after a rule-set switch put the rules in force (a `ruleset.promote` or
    /// `ruleset.rollback` control record at `logOffset` of `logPartition`;
    /// `kind` is its type, the audit record's `event_kind`).
    ///
    /// The leads are those ``ReassignmentPolicy`` names, in lead-id order. Each
    /// leaves its owner (its capacity slot is released) and is assigned as a new
    /// route would be: the account owner first (with `account_owner_first`), else
    /// the weighted round-robin of its territory's owners below capacity, else the
    /// overflow queue. Tier, score, escalation and SLA deadline stay; the queue is
    /// the rules' queue for the tier (the escalation queue when escalated, the
    /// overflow queue without an owner). Each gets a routing record with
    /// `change: reassigned` whose first reason says why, all at the partition's
    /// event time (its watermark: a control record carries no event time of the
    /// stream). The record's scores are the route's: no lead is scored again.
    ///
    /// The output holds those routing records and, when there is at least one,
    /// one audit record (keyed `key`, `decision_id` from the control record's log
    /// position, lineage `source` = the control record) whose decisions are the
    /// reassignments. Nothing else changes: no lead is re-scored, no timer fires
    /// and the watermark stays. Work is bounded by the partition's open leads
    /// that hold an owner's slot: one territory check each, one record per move.
    package func reassignOwners(
        after kind: String, ledger: Ledger, logPartition: Int32, logOffset: Int64, key: String, source: SourcePosition,
        state: inout DecisionState
    ) -> DecisionOutput {
        let rules = configuration.routing
        var holdings: [ReassignmentPolicy.Holding] = []
        for (id, slot) in state.leads.sortedSlots() {
            guard let d = state.leads[slot: slot].decision, !d.closed, !d.overridden, d.holdsCapacity, d.tier.assignsOwner,
                let owner = d.ownerID, let handle = ledger.handle(of: id), !ledger.isErased(handle)
            else { continue }
            let account = routingAccount(of: handle, ledger)
            let lead = LedgerLead(ledger: ledger, handle: handle)
            holdings.append(
                ReassignmentPolicy.Holding(
                    lead: id, owner: owner, country: lead.value(.country) ?? account?.country,
                    employees: lead.value(.employees).flatMap { Double($0) } ?? account?.employees.map(Double.init),
                    accountOwner: account?.ownerID))
        }
        let moves = ReassignmentPolicy.moves(holdings, rules: rules, load: state.ownerLoad)
        var out = DecisionOutput()
        guard !moves.isEmpty else { return out }
        let eventTime = EventTime(milliseconds: state.watermark).rfc3339
        let lineage = RecordLineage(logPartition: logPartition, logOffset: logOffset, source: source)
        var w = RecordWriter(taking: &state.scratch.writerBuffer)
        var decisions: [AuditRecord.Decision] = []
        var primaryEmails: [String] = []
        var primaryAccount: String?
        var eventHash = StableHash()
        eventHash.string("event")
        for move in moves {
            guard let handle = ledger.handle(of: move.lead), let prev = state.leads[move.lead]?.decision else { continue }
            let lead = LedgerLead(ledger: ledger, handle: handle)
            let account = routingAccount(of: handle, ledger)
            // Leave the owner, then assign as for a new route.
            state.ownerLoad[move.owner, default: 1] -= 1
            if state.ownerLoad[move.owner] == 0 { state.ownerLoad[move.owner] = nil }
            let tierQueue = rules.queue(for: prev.tier)
            var queue = prev.escalated && prev.tier == .salesReady ? (tierQueue.escalateTo ?? tierQueue.queue) : tierQueue.queue
            let (owner, holds) = assignOwner(move.lead, lead, account, nil, prev.tier, &state, queue: &queue)
            let routeID = DecisionID.make(partition: logPartition, offset: logOffset, prefix: "route:", lead: move.lead)
            let routeText = routeID.text
            let route = LeadDecision(
                decisionID: routeID, tier: prev.tier, scoreTier: prev.scoreTier, queue: queue, ownerID: owner, holdsCapacity: holds,
                score: prev.score, overridden: false, escalated: prev.escalated, closed: false, slaDeadline: prev.slaDeadline)
            state.leads[move.lead]?.decision = route
            var h = StableHash()
            h.string("reassigned")
            h.u64(move.lead.raw)
            h.u64(UInt64(bitPattern: state.watermark))
            prev.decisionID.mix(into: &h)
            h.string(owner ?? "")
            let stateHash = h.value
            eventHash.hex16(stateHash)
            let arm = rules.holdout?.arm(of: move.lead)
            let reasons = DecisionReasons(
                gate: nil, features: [],
                reassignment: .init(reason: move.reason, owner: move.owner, ruleSet: configuration.rulesetVersion))
            let addresses = emails(of: lead)
            let accountID = account?.id.rawValue
            let routing = RoutingRecord(
                decisionID: routeText, leadID: move.lead, accountID: accountID, arm: arm, change: .reassigned, emails: addresses,
                eventTime: eventTime, lineage: lineage, route: route, scores: nil, reasons: reasons)
            out.routing.append(
                .init(
                    key: move.lead.description, value: core.routingCodec.encode(routing, into: &w), decisionID: routeText,
                    change: .reassigned))
            if decisions.isEmpty {
                primaryEmails = addresses
                primaryAccount = accountID
            }
            decisions.append(
                AuditRecord.Decision(
                    leadID: move.lead, route: route, previous: prev, change: .reassigned, routingDecisionID: routeText,
                    stateHash: stateHash, arm: arm, gate: nil, scores: nil, reasons: reasons))
            out.decisionsByTier[Int(prev.tier.code)] &+= 1
        }
        out.decisions = decisions.count
        let auditID = DecisionID.make(partition: logPartition, offset: logOffset, kind: "audit").text
        let primary = AuditRecord.Primary(
            decision: decisions.removeFirst(), emails: pseudonymousAudit ? [] : primaryEmails, features: nil, contributions: nil)
        let audit = AuditRecord(
            decisionID: auditID, eventKind: kind, accountID: primaryAccount, eventTime: eventTime, lineage: lineage,
            primary: primary, further: decisions, stateHash: eventHash.value)
        out.audit.append(.init(key: key, value: core.auditCodec.encode(audit, into: &w), decisionID: auditID))
        state.scratch.writerBuffer = w.buffer
        return out
    }

    /// What routing reads of a lead's account (id, owner, country, size), from the
    /// ledger's facts; nil when the lead has no account.
    func routingAccount(of lead: Ledger.LeadHandle, _ ledger: Ledger) -> AccountSignals? {
        guard let a = ledger.account(of: lead) else { return nil }
        let facts = ledger.facts(of: a)
        return AccountSignals(
            id: ledger.id(of: a), employees: facts.employees, industry: facts.industry, country: facts.country,
            ownerID: facts.ownerID, competitorDomain: false, engaged: [], coverage: 0, openOpportunities: 0, hierarchy: 0,
            custom: [])
    }
}
