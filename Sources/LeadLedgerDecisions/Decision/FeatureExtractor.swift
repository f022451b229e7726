import Foundation
import LeadLedgerCore

/// Computes a lead's feature row (``FeatureCatalogue``) from the projections,
/// the account graph and the lead's decayed activity. Pure: the same inputs
/// give the same row. Writes into a caller-owned buffer in schema order.
package struct FeatureExtractor: Sendable {
    /// The configuration-derived tables behind one reference: a copy of the
    /// extractor (a property read out of a configuration, a closure capture) costs
    /// one retain, not one per set and array. Sendable: a final class of `let`s.
    final class Tables: Sendable {
        let configuration: ScoringConfiguration
        let schema: FeatureSchema
        let competitors: Set<String>
        let industries: Set<String>
        let functions: Set<String>
        let countries: Set<String>
        /// Decay half-life in milliseconds.
        let halfLifeMs: Double
        let windowMs: Int64
        /// The catalogue entries, in schema order.
        let definitions: [FeatureDefinition]
        /// Whether a custom feature reads the account's fields (else account signals skip the lookup).
        let readsAccountCustomFields: Bool
        /// Component group of each feature (FeatureGroup order: fit, engagement, intent, account).
        let groups: [Int]
        /// Feature indices sorted by name (UTF-8 bytes), for sorted-key JSON objects.
        let sortedOrder: [Int]
        /// `"name":` bytes per feature (schema order), for the record writer.
        let keyBytes: [[UInt8]]
        /// The `"name":` keys in sorted order, concatenated, each but the first preceded by `,`
        /// (``RecordJSON/fixedObject(keys:keyStarts:order:values:)``).
        let sortedKeyBlob: [UInt8]
        /// Start of each key in ``sortedKeyBlob`` (count + 1 entries, the last = blob count).
        let sortedKeyStarts: [Int]
        /// Escaped name per feature (no quotes), for reasons.
        let escapedNames: [[UInt8]]
        /// Escaped ` (<meaning>)` per feature (empty past the catalogue), the end of a reason sentence.
        let meaningSuffixes: [[UInt8]]

        init(_ configuration: ScoringConfiguration) throws {
            self.configuration = configuration
            schema = try configuration.featureSchema()
            competitors = Set(configuration.competitorDomains)
            industries = Set(configuration.targetIndustries.map { $0.lowercased() })
            functions = Set(configuration.targetFunctions)
            countries = Set(configuration.targetCountries.map { $0.uppercased() })
            halfLifeMs = configuration.halfLifeDays * 86_400_000
            windowMs = Int64(configuration.engagedWindowDays * 86_400_000)
            definitions = FeatureCatalogue.definitions(categorical: configuration.categorical, custom: configuration.customFeatures)
            readsAccountCustomFields = configuration.customFeatures.contains { $0.owner == .account }
            groups = definitions.map { FeatureGroup.allCases.firstIndex(of: $0.group)! }
            let names = schema.names
            sortedOrder = names.indices.sorted { Array(names[$0].utf8).lexicographicallyPrecedes(Array(names[$1].utf8)) }
            keyBytes = names.map { RecordJSON.encodedKey($0) }
            var blob: [UInt8] = []
            var starts: [Int] = []
            for (k, j) in sortedOrder.enumerated() {
                starts.append(blob.count)
                if k > 0 { blob.append(0x2C) }
                blob.append(contentsOf: keyBytes[j])
            }
            starts.append(blob.count)
            sortedKeyBlob = blob
            sortedKeyStarts = starts
            func escaped(_ s: String) -> [UInt8] {
                var w = RecordJSON()
                w.escaped(s)
                return w.bytes
            }
            escapedNames = names.map(escaped)
            let defs = definitions
            meaningSuffixes = names.indices.map { $0 < defs.count ? escaped(" (" + defs[$0].meaning + ")") : [] }
        }
    }
    let tables: Tables

    package var configuration: ScoringConfiguration { tables.configuration }
    package var schema: FeatureSchema { tables.schema }
    var competitors: Set<String> { tables.competitors }
    var industries: Set<String> { tables.industries }
    var functions: Set<String> { tables.functions }
    var countries: Set<String> { tables.countries }
    /// Decay half-life in milliseconds.
    package var halfLifeMs: Double { tables.halfLifeMs }
    var windowMs: Int64 { tables.windowMs }
    /// The catalogue entries, in schema order.
    package var definitions: [FeatureDefinition] { tables.definitions }
    /// Component group of each feature (FeatureGroup order: fit, engagement, intent, account).
    var groups: [Int] { tables.groups }
    /// Feature indices sorted by name (UTF-8 bytes), for sorted-key JSON objects.
    var sortedOrder: [Int] { tables.sortedOrder }
    /// `"name":` bytes per feature (schema order), for the record writer.
    var keyBytes: [[UInt8]] { tables.keyBytes }
    /// The `"name":` keys in sorted order, concatenated, each but the first preceded by `,`
    /// (``RecordJSON/fixedObject(keys:keyStarts:order:values:)``).
    var sortedKeyBlob: [UInt8] { tables.sortedKeyBlob }
    /// Start of each key in ``sortedKeyBlob`` (count + 1 entries, the last = blob count).
    var sortedKeyStarts: [Int] { tables.sortedKeyStarts }
    /// Escaped name per feature (no quotes), for reasons.
    var escapedNames: [[UInt8]] { tables.escapedNames }
    /// Escaped ` (<meaning>)` per feature (empty past the catalogue), the end of a reason sentence.
    var meaningSuffixes: [[UInt8]] { tables.meaningSuffixes }

    package init(_ configuration: ScoringConfiguration) throws {
        tables = try Tables(configuration)
    }

    /// `Seniority.allCases` and `BuyingRole.allCases`, built once.
    static let seniorities = Seniority.allCases
    static let roles = BuyingRole.allCases

    /// The bit of `role` in a role set: `1 << Self.roles.firstIndex(of: role)` (allCases order), without the search.
    @inline(__always) static func roleBit(_ role: BuyingRole) -> UInt8 {
        switch role {
        case .decisionMaker: 1 << 0
        case .champion: 1 << 1
        case .influencer: 1 << 2
        case .user: 1 << 3
        case .gatekeeper: 1 << 4
        }
    }

    /// Writes the row of `lead` as seen at event time `at` into `x` (count = schema.count).
    package func extract(
        lead: LeadProfile, account: AccountProfile?, ledger: Ledger, activity: LeadActivity,
        at: EventTime, into x: UnsafeMutableBufferPointer<Double>
    ) {
        var memo = ExtractionMemo()
        extract(lead: lead, account: account, ledger: ledger, activity: activity, at: at, into: x, memo: &memo)
    }

    /// The text after the last `@` (nil without one); bytewise for ASCII addresses.
    static func mailDomain(_ email: String) -> String? {
        let u = email.utf8
        if !u.contains(where: { $0 >= 0x80 }) {
            guard let at = u.lastIndex(of: 0x40) else { return nil }
            return String(email[u.index(after: at)...])
        }
        guard let at = email.lastIndex(of: "@") else { return nil }
        return String(email[email.index(after: at)...])
    }

    /// Mail-domain kind and competitor flag of a domain (pure; memoized by the caller).
    func classify(domain: String, memo: inout ExtractionMemo) -> (MailDomainKind, Bool) {
        if let hit = memo.domains[domain] { return hit }
        let reg = DomainNormalizer.registrableDomain(ofHost: domain) ?? domain
        let r = (DomainNormalizer.mailKind(ofDomain: domain), competitors.contains(domain) || competitors.contains(reg))
        if memo.domains.count > 100_000 { memo.domains.removeAll(keepingCapacity: true) }
        memo.domains[domain] = r
        return r
    }

    /// The class of one attribute or identifier value (pure; memoized by the caller).
    func classify(value v: String, memo: inout ExtractionMemo) -> ValueClass {
        var mail: MailDomainKind?
        var competitor = false
        if let domain = Self.mailDomain(v) {
            let c = classify(domain: domain, memo: &memo)
            mail = c.0
            competitor = c.1
        }
        return ValueClass(
            seniority: Seniority(rawValue: v) ?? .unknown, role: BuyingRole(rawValue: v), functionTarget: functions.contains(v),
            industryTarget: industries.contains(v.lowercased()), countryTarget: countries.contains(v.uppercased()),
            mentionsStudent: QualificationGate.mentionsStudent(v), mail: mail, competitor: competitor)
    }

    /// The class of interned string `id` of `strings` (``classify(value:memo:)``), memoized by id.
    func valueClass(_ id: UInt32, in strings: StringTable, memo: inout ExtractionMemo) -> ValueClass {
        let lineage = strings.lineage
        if let c = memo.strings.valueClass(id, lineage: lineage) { return c }
        let c = classify(value: strings[id] ?? "", memo: &memo)
        memo.strings.setValueClass(c, id, lineage: lineage)
        return c
    }

    /// Interned string `id` of `strings` as a number (nil: not one), memoized by id.
    static func number(_ id: UInt32, in strings: StringTable, memo: inout ExtractionMemo) -> Double? {
        let lineage = strings.lineage
        if let n = memo.strings.number(id, lineage: lineage) { return n }
        let n = strings[id].flatMap(Double.init)
        memo.strings.setNumber(n, id, lineage: lineage)
        return n
    }

    /// ``categoryMask(_:value:)`` of interned string `id` of `strings`, memoized by feature and id.
    func categoryMask(_ feature: Int, _ id: UInt32, in strings: StringTable, memo: inout ExtractionMemo) -> UInt64 {
        let lineage = strings.lineage
        if let m = memo.strings.categoryMask(feature, id, lineage: lineage) { return m }
        let m = categoryMask(feature, value: strings[id] ?? "")
        memo.strings.setCategoryMask(m, feature, id, lineage: lineage)
        return m
    }

    /// Which values of `configuration.categorical[feature]` (at most 64) the attribute value `v`
    /// matches: bit `i` for value `i` (``forEachMatch(of:value:_:)``).
    func categoryMask(_ feature: Int, value v: String) -> UInt64 {
        var mask: UInt64 = 0
        Self.forEachMatch(of: configuration.categorical[feature], value: v) { mask |= 1 << UInt64($0) }
        return mask
    }

    /// Calls `body` with the index of each of `c`'s values that the attribute value `v` matches:
    /// exactly (case-sensitive), or with a separator, any of its parts trimmed of whitespace.
    static func forEachMatch(of c: CategoricalFeature, value v: String, _ body: (Int) -> Void) {
        let parts = c.separator.map { sep in v.components(separatedBy: sep).map { $0.trimmingCharacters(in: .whitespaces) } }
        for (i, value) in c.values.enumerated() where parts?.contains(value) ?? (v == value) { body(i) }
    }

    /// As ``extract(lead:account:ledger:activity:at:into:)``, with a domain memo reused across calls.
    func extract(
        lead: LeadProfile, account: AccountProfile?, ledger: Ledger, activity: LeadActivity,
        at: EventTime, into x: UnsafeMutableBufferPointer<Double>, memo: inout ExtractionMemo
    ) {
        let signals = account.map { accountSignals($0, ledger: ledger, at: at) }
        extract(lead: lead, account: signals, activity: activity, at: at, into: x, memo: &memo)
    }

    /// The engaged-contacts window `[at - window, at]`.
    func window(at: EventTime) -> ClosedRange<EventTime> {
        EventTime(milliseconds: at.milliseconds &- windowMs)...at
    }

    /// The account inputs of the row from a materialized profile.
    func accountSignals(_ account: AccountProfile, ledger: Ledger, at: EventTime) -> AccountSignals {
        let w = window(at: at)
        var engaged: [LeadID] = []
        if account.subsidiaries.isEmpty {
            // Same as Ledger.engagedContacts without subsidiaries: the account's own contacts, sorted by lead id.
            for c in account.contacts { if let t = c.lastEngaged, w.contains(t) { engaged.append(c.lead) } }
        } else {
            for c in ledger.engagedContacts(of: account.id, in: w) { engaged.append(c.lead) }
        }
        var roles: UInt8 = 0
        for c in account.contacts { roles |= Self.roleBit(c.role) }
        var hierarchy = 0.0
        if account.parent != nil || !account.subsidiaries.isEmpty {
            let rolled = ledger.rolledUpEngagement(of: account.id).total
            hierarchy = log1p(Double(rolled &- min(rolled, account.engagement.total)))
        }
        return AccountSignals(
            id: account.id, employees: account.employees, industry: account.industry, country: account.country,
            ownerID: account.ownerID, competitorDomain: account.domain.map { competitors.contains($0.lowercased()) } ?? false,
            engaged: engaged, coverage: Double(roles.nonzeroBitCount) / Double(Self.roles.count),
            openOpportunities: Double(account.opportunities.lazy.filter { !$0.isClosed }.count), hierarchy: hierarchy,
            custom: account.custom)
    }

    /// The account inputs of the row read in place from the ledger (same values as
    /// from ``LeadLedgerCore/Ledger/account(_:)``'s profile).
    func accountSignals(_ a: Ledger.AccountHandle, ledger: Ledger, at: EventTime) -> AccountSignals {
        let w = window(at: at)
        let id = ledger.id(of: a)
        let f = ledger.facts(of: a)
        let links = ledger.hierarchyLinks(of: a)
        // Roles and (without subsidiaries, when every engaged contact is in the window) the engaged
        // contacts come from the ledger's per-account summary, kept on apply; else the contacts are walked.
        var engaged: [LeadID] = []
        let roles = ledger.contactRoles(of: a)
        let ms = w.lowerBound.milliseconds...w.upperBound.milliseconds
        if links.hasSubsidiaries {
            if let all = ledger.engagedContactIDs(ofHierarchy: a, ifAllWithin: ms) {
                engaged = all
            } else {
                for c in ledger.engagedContacts(of: id, in: w) { engaged.append(c.lead) }
            }
        } else if let all = ledger.engagedContactIDs(of: a, ifAllWithin: ms) {
            engaged = all
        } else {
            ledger.forEachContact(of: a) { lead, _, t in
                if let t, w.contains(EventTime(milliseconds: t)) { engaged.append(lead) }
            }
            engaged.sort()
        }
        var hierarchy = 0.0
        if links.hasParent || links.hasSubsidiaries {
            let rolled = ledger.rolledUpEngagementTotal(of: a)
            hierarchy = log1p(Double(rolled &- min(rolled, ledger.engagement(of: a).total)))
        }
        return AccountSignals(
            id: id, employees: f.employees, industry: f.industry, country: f.country, ownerID: f.ownerID,
            competitorDomain: f.domain.map { competitors.contains($0.lowercased()) } ?? false,
            engaged: engaged, coverage: Double(roles.nonzeroBitCount) / Double(Self.roles.count),
            openOpportunities: Double(ledger.openOpportunityCount(of: a)), hierarchy: hierarchy,
            custom: tables.readsAccountCustomFields ? ledger.customFields(of: a) : [])
    }

    /// Writes the row of `lead` (with its account's ``AccountSignals``) into `x`.
    func extract<L: LeadFields>(
        lead: L, account: AccountSignals?, activity: LeadActivity,
        at: EventTime, into x: UnsafeMutableBufferPointer<Double>, memo: inout ExtractionMemo
    ) {
        typealias I = FeatureCatalogue.Index
        for i in 0..<x.count { x[i] = 0 }
        // Fit: the lead's values are classified through the memo; the account's
        // industry and country count when the lead has none.
        x[I.seniority] = Double(lead.valueClass(.seniority, self, memo: &memo)?.seniorityIndex ?? 0)
        let role = lead.valueClass(.buyingRole, self, memo: &memo)?.role
        x[I.decisionMaker] = role == .decisionMaker ? 1 : 0
        x[I.champion] = role == .champion || role == .influencer ? 1 : 0
        x[I.functionTarget] = lead.valueClass(.jobFunction, self, memo: &memo)?.functionTarget == true ? 1 : 0
        let employees = lead.number(.employees, memo: &memo) ?? account?.employees.map(Double.init)
        x[I.employees] = employees.map { log10(1 + max(0, $0)) } ?? .nan
        let industryTarget =
            lead.valueClass(.industry, self, memo: &memo)?.industryTarget
            ?? account?.industry.map { industries.contains($0.lowercased()) }
        x[I.industryTarget] = industryTarget == true ? 1 : 0
        let countryTarget =
            lead.valueClass(.country, self, memo: &memo)?.countryTarget
            ?? account?.country.map { countries.contains($0.uppercased()) }
        x[I.countryTarget] = countryTarget == true ? 1 : 0
        var emails = 0
        var free = 0
        var disposable = 0
        var competitor = false
        lead.forEachEmailClass(self, memo: &memo) { mailKind, isCompetitor in
            emails += 1
            switch mailKind {
            case .free: free += 1
            case .disposable: disposable += 1
            case .corporate: break
            }
            if isCompetitor { competitor = true }
        }
        if account?.competitorDomain == true { competitor = true }
        x[I.freeMail] = emails > 0 && free == emails ? 1 : 0
        x[I.disposable] = disposable > 0 ? 1 : 0
        x[I.competitor] = competitor ? 1 : 0
        // Engagement and intent (decayed to the decision's event time).
        let a = activity.at(at.milliseconds, halfLifeMs: halfLifeMs)
        x[I.engagement] = a.engagement
        x[I.pageViews] = a.pageViews
        x[I.tracks] = a.tracks
        x[I.emailEngagement] = a.email
        x[I.crmActivities] = a.crm
        let last = lead.lastEngaged
        x[I.daysSince] = last == .min ? .nan : min(365, max(0, Double(at.milliseconds - last) / 86_400_000))
        x[I.pricing] = a.pricing
        x[I.demo] = a.demo
        x[I.docs] = a.docs
        x[I.caseStudy] = a.caseStudy
        x[I.careers] = a.careers
        x[I.forms] = a.forms
        x[I.replies] = a.replies
        x[I.contact] = a.contact
        x[I.positiveReplies] = a.positiveReplies
        x[I.meetings] = a.meetings
        x[I.negativeReplies] = a.negativeReplies
        // Email health.
        let h = lead.health
        x[I.bounced] = h.contains(.bounced) ? 1 : 0
        x[I.unsubscribed] = h.contains(.unsubscribed) || h.contains(.groupUnsubscribed) ? 1 : 0
        x[I.spamReported] = h.contains(.spamReported) ? 1 : 0
        // Account signals from the graph.
        if let account {
            // `engaged` is sorted by lead id: the lead's own entries are found by binary search.
            let me = lead.leadID
            let engaged = account.engaged
            var lo = 0
            var hi = engaged.count
            while lo < hi {
                let m = (lo + hi) / 2
                if engaged[m] < me { lo = m + 1 } else { hi = m }
            }
            var engagedOthers = engaged.count
            while lo < engaged.count && engaged[lo] == me {
                engagedOthers -= 1
                lo += 1
            }
            x[I.engagedContacts] = Double(engagedOthers)
            x[I.coverage] = account.coverage
            x[I.openOpportunities] = account.openOpportunities
            x[I.hierarchy] = account.hierarchy
        }
        // One-hot categorical attributes.
        var col = I.builtInCount
        for (k, c) in configuration.categorical.enumerated() {
            if c.values.count <= 64 {
                if let mask = lead.categoryMask(k, self, memo: &memo) {
                    for i in c.values.indices { x[col + i] = mask >> UInt64(i) & 1 == 1 ? 1 : 0 }
                }
            } else if let v = lead.value(c.attribute) {
                Self.forEachMatch(of: c, value: v) { x[col + $0] = 1 }
            }
            col += c.values.count
        }
        // Custom CRM fields (the account's for `of: account`; none without an account).
        for c in configuration.customFeatures {
            c.write(c.owner == .lead ? lead.custom : account?.custom ?? [], into: x, at: col)
            col += c.width
        }
    }

    /// Convenience: the row as a ``FeatureVector``.
    package func vector(lead: LeadProfile, account: AccountProfile?, ledger: Ledger, activity: LeadActivity, at: EventTime) -> FeatureVector
    {
        var values = [Double](repeating: 0, count: schema.count)
        values.withUnsafeMutableBufferPointer {
            extract(lead: lead, account: account, ledger: ledger, activity: activity, at: at, into: $0)
        }
        return FeatureVector(schema: schema, values: values)
    }
}

extension LeadProfile: LeadFields {
    var leadID: LeadID { id }
    func value(_ name: AttributeName) -> String? { attribute(name)?.value }
    func forEachIdentifier(_ body: (IdentifierKind, String) -> Void) { for i in identifiers { body(i.kind, i.value) } }
    var lastEngaged: Int64 { engagement.lastEngaged }
    var health: EmailHealth { emailHealth }
    var outcomeKind: OutcomeKind? { outcome?.kind }
}
