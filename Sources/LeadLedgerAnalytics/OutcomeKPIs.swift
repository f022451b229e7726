import LeadLedgerCore

/// Outcome KPIs: decisions joined to the outcomes that follow them.
///
/// How leads are counted:
/// - **Leads of a range.** A lead is counted when its *first* decision (the earliest
///   decision about it by event time, then log position, over all decisions given)
///   lies in `[since, until)`. Later decisions of the lead count even when they lie
///   after `until`; outcomes count whenever they happen.
/// - **Groups.** A lead belongs to one group: the UTC day (`YYYY-MM-DD`), model
///   version and arm of its first decision, and its *reference tier*: the tier of
///   its last decision before its outcome became known (strictly earlier event
///   time), else, without an outcome (or no decision before it), of its last decision.
/// - **Converted** leads have `lead.converted` as their first outcome or are a
///   contact of a won opportunity (``OutcomeLedger``).
///
/// Per group (`n` = the group's leads):
/// - `qualified_rate` = leads with at least one `sales_ready` decision / n.
/// - `time_to_qualify` median and p90 (seconds, over qualified leads): event time of
///   the first `sales_ready` decision minus the lead's first event in the log (its
///   first decision when the log names none earlier). Percentiles are nearest-rank:
///   the value at rank ⌈q·k⌉ of the k sorted durations.
/// - `mean_time_to_route` (seconds, over routed leads): the first decision that
///   changed the route (emitted a routing record) minus the lead's first event.
/// - `precision_at_target` = converted qualified leads / qualified leads (open leads
///   count as not converted, so it rises as outcomes arrive).
/// - `conversion_rate` = converted leads / n; `conversion_by_tier` the same per reference tier.
/// - `revenue_per_qualified_lead` = won amount attributed to the group's qualified
///   leads / qualified leads.
/// - `revenue_per_lead` = won amount attributed to the group's leads / n.
/// - `override_rate` = leads with an `override.set` at or after their first decision / n.
package enum OutcomeKPIs {
    /// The figures of one group.
    package struct Figures: Sendable, Equatable, Encodable {
        package var key: KPIGroupKey
        package var leads: Int
        package var qualified: Int
        package var qualifiedRate: Double?
        package var timeToQualifyMedianSeconds: Double?
        package var timeToQualifyP90Seconds: Double?
        package var routed: Int
        package var meanTimeToRouteSeconds: Double?
        package var converted: Int
        package var conversionRate: Double?
        package var precisionAtTarget: Double?
        /// Per reference tier: leads and converted leads, sorted by tier.
        package var byTier: [TierConversion]
        package var revenue: Double
        package var revenuePerLead: Double?
        package var revenuePerQualifiedLead: Double?
        package var overridden: Int
        package var overrideRate: Double?
    }

    /// Conversion within one reference tier.
    package struct TierConversion: Sendable, Equatable, Encodable {
        package var tier: String
        package var leads: Int
        package var converted: Int
        package var rate: Double? { leads == 0 ? nil : Double(converted) / Double(leads) }

        enum CodingKeys: String, CodingKey { case tier, leads, converted, rate }

        package func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(tier, forKey: .tier)
            try c.encode(leads, forKey: .leads)
            try c.encode(converted, forKey: .converted)
            try c.encodeIfPresent(rate, forKey: .rate)
        }
    }

    /// One lead's facts, derived once from its decisions and the outcome ledger.
    package struct LeadSummary: Sendable, Equatable {
        package var leadID: String
        package var first: DecisionObservation
        package var referenceTier: String
        /// The decision the lead was judged by: its last before its outcome, else its last.
        package var reference: DecisionObservation
        package var firstSeen: EventTime
        package var firstQualified: EventTime?
        package var firstRouted: EventTime?
        package var converted: Bool
        package var hasOutcome: Bool
        package var revenue: Double
        package var overridden: Bool
    }

    /// Summarises every lead with at least one decision, sorted by lead id.
    package static func leads(_ decisions: [DecisionObservation], ledger: OutcomeLedger) -> [LeadSummary] {
        var byLead: [String: [DecisionObservation]] = [:]
        for decision in decisions { byLead[decision.leadID, default: []].append(decision) }
        var summaries: [LeadSummary] = []
        summaries.reserveCapacity(byLead.count)
        for lead in byLead.keys.sorted() {
            let history = byLead[lead]!.sorted(by: DecisionObservation.precedes)
            let first = history[0]
            let outcomeTime = ledger.outcomeTime(lead)
            let before = outcomeTime.map { t in history.last { $0.time < t } } ?? nil
            let reference = before ?? history[history.count - 1]
            let seen = min(ledger.firstSeen[lead] ?? first.time, first.time)
            let overridden = (ledger.overrides[lead] ?? []).contains { $0 >= first.time }
            summaries.append(
                LeadSummary(
                    leadID: lead, first: first, referenceTier: reference.tier, reference: reference, firstSeen: seen,
                    firstQualified: history.first { $0.tier == DecisionObservation.qualifiedTier }?.time,
                    firstRouted: history.first { $0.routeChanged }?.time, converted: ledger.converted(lead),
                    hasOutcome: ledger.hasOutcome(lead), revenue: ledger.revenue(lead), overridden: overridden))
        }
        return summaries
    }

    /// The KPIs of the leads whose first decision lies in `since..<until` (nil: unbounded),
    /// grouped by `dimensions` (empty: one group of all), sorted by key.
    package static func compute(
        _ decisions: [DecisionObservation], ledger: OutcomeLedger, since: EventTime? = nil, until: EventTime? = nil,
        by dimensions: Set<KPIDimension>
    ) -> [Figures] {
        var groups: [KPIGroupKey: [LeadSummary]] = [:]
        for lead in leads(decisions, ledger: ledger) {
            if let since, lead.first.time < since { continue }
            if let until, lead.first.time >= until { continue }
            groups[key(lead, dimensions), default: []].append(lead)
        }
        return groups.keys.sorted().map { figures($0, groups[$0]!) }
    }

    /// The group key of a lead.
    package static func key(_ lead: LeadSummary, _ dimensions: Set<KPIDimension>) -> KPIGroupKey {
        KPIGroupKey(
            day: dimensions.contains(.day) ? day(lead.first.time) : nil,
            model: dimensions.contains(.model) ? lead.first.modelVersion : nil,
            tier: dimensions.contains(.tier) ? lead.referenceTier : nil,
            arm: dimensions.contains(.arm) ? lead.first.arm : nil)
    }

    /// The figures of one group of leads (in lead-id order, so sums are reproducible).
    package static func figures(_ key: KPIGroupKey, _ leads: [LeadSummary]) -> Figures {
        let n = leads.count
        let qualified = leads.filter { $0.firstQualified != nil }
        let toQualify = qualified.map { seconds($0.firstQualified!, since: $0.firstSeen) }.sorted()
        let routed = leads.filter { $0.firstRouted != nil }
        let toRoute = routed.map { seconds($0.firstRouted!, since: $0.firstSeen) }
        let converted = leads.filter(\.converted).count
        let convertedQualified = qualified.filter(\.converted).count
        var tiers: [String: TierConversion] = [:]
        for lead in leads {
            tiers[lead.referenceTier, default: TierConversion(tier: lead.referenceTier, leads: 0, converted: 0)].leads += 1
            if lead.converted { tiers[lead.referenceTier]!.converted += 1 }
        }
        let revenue = leads.reduce(0) { $0 + $1.revenue }
        let qualifiedRevenue = qualified.reduce(0) { $0 + $1.revenue }
        let overridden = leads.filter(\.overridden).count
        return Figures(
            key: key, leads: n, qualified: qualified.count, qualifiedRate: ratio(qualified.count, n),
            timeToQualifyMedianSeconds: percentile(toQualify, 0.5), timeToQualifyP90Seconds: percentile(toQualify, 0.9),
            routed: routed.count,
            meanTimeToRouteSeconds: toRoute.isEmpty ? nil : toRoute.reduce(0, +) / Double(toRoute.count),
            converted: converted, conversionRate: ratio(converted, n), precisionAtTarget: ratio(convertedQualified, qualified.count),
            byTier: tiers.keys.sorted().map { tiers[$0]! }, revenue: revenue,
            revenuePerLead: n == 0 ? nil : revenue / Double(n),
            revenuePerQualifiedLead: qualified.isEmpty ? nil : qualifiedRevenue / Double(qualified.count),
            overridden: overridden, overrideRate: ratio(overridden, n))
    }

    /// Nearest-rank percentile of sorted values: the value at rank ⌈q·k⌉ (1-based); nil when empty.
    package static func percentile(_ sorted: [Double], _ q: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let rank = Int((q * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    /// The UTC day of an event time, `YYYY-MM-DD`.
    package static func day(_ time: EventTime) -> String { String(time.rfc3339.prefix(10)) }

    static func seconds(_ time: EventTime, since start: EventTime) -> Double {
        Double(time.milliseconds - start.milliseconds) / 1000
    }

    static func ratio(_ part: Int, _ whole: Int) -> Double? { whole == 0 ? nil : Double(part) / Double(whole) }
}
