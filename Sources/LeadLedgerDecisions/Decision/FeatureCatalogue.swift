import Foundation
import LeadLedgerCore

/// One entry of the feature catalogue.
package struct FeatureDefinition: Sendable, Equatable {
    /// Feature name (the position in ``FeatureCatalogue/schema`` is the index in every row).
    package let name: String
    /// Component the feature belongs to (`fit`, `engagement`, `intent`, `account`).
    package let group: FeatureGroup
    /// What it means.
    package let meaning: String
    /// Where it comes from (projection field, graph query, decision state).
    package let source: String
    /// Unit of the value.
    package let unit: String
    /// Which way the feature may move a score (``FeatureDirection``).
    package let direction: FeatureDirection
}

/// Component groups of the routing record's `components`.
package enum FeatureGroup: String, Sendable, CaseIterable {
    case fit, engagement, intent, account
}

/// The feature catalogue: the built-in features (fixed order) followed by
/// one-hot columns of the categorical lead attributes configured in the
/// scoring configuration (`<attribute>=<value>`, group `fit`).
///
/// Decayed counts (`*_decayed`, intent and reply counts) are exponentially
/// decayed in EVENT time with the configured half-life: each event adds 1 at
/// its event time, and the value read at event time `t` is
/// `Σ 0.5^((t − t_i) / half_life)`. They are kept per lead in ``DecisionState``
/// (``LeadActivity``), derived only from the log's engagement events.
package enum FeatureCatalogue {
    /// The built-in features, in row order.
    package static let builtIn: [FeatureDefinition] = [
        .init(
            name: "seniority_rank", group: .fit,
            meaning: "title seniority: 0 unknown, 1 individual contributor, 2 manager, 3 director, 4 VP, 5 C-level",
            source: "LeadProfile attribute seniority (JobTitleClassifier)", unit: "level 0–5", direction: .free),
        .init(
            name: "role_decision_maker", group: .fit, meaning: "buying-center role is decision maker",
            source: "LeadProfile attribute buying_role", unit: "0/1", direction: .positive),
        .init(
            name: "role_champion", group: .fit, meaning: "buying-center role is champion or influencer",
            source: "LeadProfile attribute buying_role", unit: "0/1", direction: .positive),
        .init(
            name: "function_target", group: .fit, meaning: "job function is one of the configured target functions",
            source: "LeadProfile attribute function; scoring config target_functions", unit: "0/1", direction: .positive),
        .init(
            name: "employees_log10", group: .fit,
            meaning: "company size log10(1 + employees), lead attribute else account; missing when unknown",
            source: "LeadProfile attribute employees / AccountProfile.employees", unit: "log10 employees", direction: .positive),
        .init(
            name: "industry_target", group: .fit, meaning: "industry is one of the configured target industries",
            source: "LeadProfile attribute industry / AccountProfile.industry; config target_industries", unit: "0/1", direction: .positive),
        .init(
            name: "country_target", group: .fit, meaning: "country is one of the configured target countries",
            source: "LeadProfile attribute country / AccountProfile.country; config target_countries", unit: "0/1", direction: .positive),
        .init(
            name: "free_mail", group: .fit, meaning: "every known email address is at a free-mail provider",
            source: "LeadProfile identifiers (email) + DomainLists.freeMail", unit: "0/1", direction: .negative),
        .init(
            name: "disposable_mail", group: .fit, meaning: "an email address is at a disposable-mail provider",
            source: "LeadProfile identifiers (email) + DomainLists.disposableMail", unit: "0/1", direction: .negative),
        .init(
            name: "competitor", group: .fit, meaning: "email or account domain is a configured competitor domain",
            source: "identifiers, AccountProfile.domain; config competitor_domains", unit: "0/1", direction: .negative),
        .init(
            name: "engagement_decayed", group: .engagement,
            meaning: "active engagements (page views, tracks, opens, clicks, CRM activities), decayed",
            source: "engagement events → LeadActivity", unit: "decayed count", direction: .positive),
        .init(
            name: "page_views_decayed", group: .engagement, meaning: "page views, decayed", source: "engagement page_view → LeadActivity",
            unit: "decayed count", direction: .positive),
        .init(
            name: "tracks_decayed", group: .engagement, meaning: "tracked web events, decayed", source: "engagement track → LeadActivity",
            unit: "decayed count", direction: .positive),
        .init(
            name: "email_engagement_decayed", group: .engagement, meaning: "email opens and clicks, decayed",
            source: "engagement open/click → LeadActivity", unit: "decayed count", direction: .positive),
        .init(
            name: "crm_activities_decayed", group: .engagement, meaning: "CRM activities (call, meeting, note), decayed",
            source: "engagement call/meeting/note → LeadActivity", unit: "decayed count", direction: .positive),
        .init(
            name: "days_since_engaged", group: .engagement,
            meaning: "days from the last active engagement to the decision's event time (capped at 365); missing if never",
            source: "LeadProfile.engagement.lastEngaged", unit: "days", direction: .negative),
        .init(
            name: "intent_pricing", group: .intent, meaning: "pricing-page interactions, decayed", source: "engagement category pricing",
            unit: "decayed count", direction: .positive),
        .init(
            name: "intent_demo", group: .intent, meaning: "demo/trial interactions, decayed", source: "engagement category demo",
            unit: "decayed count", direction: .positive),
        .init(
            name: "intent_docs", group: .intent, meaning: "documentation interactions, decayed", source: "engagement category docs",
            unit: "decayed count", direction: .positive),
        .init(
            name: "intent_case_study", group: .intent, meaning: "case-study interactions, decayed",
            source: "engagement category case_study", unit: "decayed count", direction: .positive),
        .init(
            name: "intent_careers", group: .intent, meaning: "careers-page interactions (a job seeker, negative intent), decayed",
            source: "engagement category careers", unit: "decayed count", direction: .negative),
        .init(
            name: "form_submissions", group: .intent, meaning: "form submissions (tracked events whose name contains 'form'), decayed",
            source: "engagement track", unit: "decayed count", direction: .positive),
        .init(
            name: "email_replies", group: .intent, meaning: "email replies logged in the CRM, decayed", source: "engagement email_reply",
            unit: "decayed count", direction: .positive),
        .init(
            name: "intent_contact", group: .intent, meaning: "contact-sales / chat interactions, decayed",
            source: "engagement category contact", unit: "decayed count", direction: .positive),
        .init(
            name: "email_bounced", group: .fit, meaning: "an email to the lead bounced", source: "LeadProfile.emailHealth", unit: "0/1",
            direction: .negative),
        .init(
            name: "email_unsubscribed", group: .fit, meaning: "the lead unsubscribed (globally or from a group)",
            source: "LeadProfile.emailHealth", unit: "0/1", direction: .negative),
        .init(
            name: "email_spam_reported", group: .fit, meaning: "the lead reported an email as spam", source: "LeadProfile.emailHealth",
            unit: "0/1", direction: .negative),
        .init(
            name: "account_engaged_contacts", group: .account,
            meaning: "other contacts of the account (incl. subsidiaries) engaged within the configured window",
            source: "Ledger.engagedContacts(of:in:)", unit: "contacts", direction: .positive),
        .init(
            name: "buying_center_coverage", group: .account, meaning: "fraction of buying-center roles covered by the account's contacts",
            source: "Ledger.buyingCenterCoverage(of:)", unit: "fraction 0–1", direction: .positive),
        .init(
            name: "open_opportunities", group: .account, meaning: "open opportunities on the account",
            source: "AccountProfile.opportunities", unit: "count", direction: .positive),
        .init(
            name: "hierarchy_activity", group: .account, meaning: "log(1 + engagements of parent/subsidiary accounts)",
            source: "Ledger.rolledUpEngagement(of:) − own", unit: "log count", direction: .positive),
        .init(
            name: "positive_replies", group: .intent,
            meaning: "email replies whose CRM outcome reads positive (e.g. interested, meeting booked), decayed",
            source: "engagement email_reply + ReplyOutcome", unit: "decayed count", direction: .positive),
        .init(
            name: "meetings", group: .intent, meaning: "meetings logged in the CRM, decayed", source: "engagement meeting",
            unit: "decayed count", direction: .positive),
        .init(
            name: "negative_replies", group: .intent,
            meaning: "email replies whose CRM outcome reads negative (e.g. not interested, unsubscribe), decayed",
            source: "engagement email_reply + ReplyOutcome", unit: "decayed count", direction: .negative),
    ]

    /// Built-in feature indices.
    package enum Index {
        package static let seniority = 0, decisionMaker = 1, champion = 2, functionTarget = 3, employees = 4
        package static let industryTarget = 5, countryTarget = 6, freeMail = 7, disposable = 8, competitor = 9
        package static let engagement = 10, pageViews = 11, tracks = 12, emailEngagement = 13, crmActivities = 14, daysSince = 15
        package static let pricing = 16, demo = 17, docs = 18, caseStudy = 19, careers = 20, forms = 21, replies = 22
        package static let contact = 23, bounced = 24, unsubscribed = 25, spamReported = 26
        package static let engagedContacts = 27, coverage = 28, openOpportunities = 29, hierarchy = 30
        package static let positiveReplies = 31, meetings = 32, negativeReplies = 33
        package static let builtInCount = 34
    }

    /// The full catalogue for a scoring configuration: built-ins, one-hots of
    /// categorical attributes, then the columns of custom CRM fields.
    package static func definitions(categorical: [CategoricalFeature], custom: [CustomFeature] = []) -> [FeatureDefinition] {
        var out = builtIn
        for c in categorical {
            for v in c.values {
                out.append(
                    .init(
                        name: "\(c.attribute.rawValue)=\(v)", group: .fit,
                        meaning: "lead attribute \(c.attribute.rawValue) is (or, with a separator, has a part equal to) '\(v)'",
                        source: "LeadProfile attribute \(c.attribute.rawValue)", unit: "0/1", direction: .free))
            }
        }
        for c in custom { out += c.definitions }
        return out
    }

    /// Markdown table of `definitions`, as in docs/decisions.md.
    package static func markdownTable(_ definitions: [FeatureDefinition]) -> String {
        var s = "| # | name | group | direction | meaning | source | unit |\n|---|---|---|---|---|---|---|\n"
        for (i, d) in definitions.enumerated() {
            s += "| \(i) | `\(d.name)` | \(d.group.rawValue) | \(d.direction.rawValue) | \(d.meaning) | \(d.source) | \(d.unit) |\n"
        }
        return s
    }
}

/// A categorical lead attribute one-hot encoded over a fixed value list.
package struct CategoricalFeature: Sendable, Equatable {
    /// The attribute (e.g. `lead_source`, `title`, `industry`).
    package var attribute: AttributeName
    /// Values in column order; matched exactly (case-sensitive) against the normalized attribute value.
    package var values: [String]
    /// When set, the attribute value is split on it and each part is matched (e.g. `"origin / source"`).
    package var separator: String?
    package init(attribute: AttributeName, values: [String], separator: String? = nil) {
        self.attribute = attribute
        self.values = values
        self.separator = separator
    }
}

/// Per-lead decayed activity counters (part of ``DecisionState``).
/// Values are referenced to ``time``: reading at a later time multiplies by
/// `0.5^((t − time)/halfLife)`.
package struct LeadActivity: Sendable, Equatable {
    /// Reference event time of the values (epoch ms).
    package var time: Int64 = .min
    package var engagement = 0.0, pageViews = 0.0, tracks = 0.0, email = 0.0, crm = 0.0
    package var pricing = 0.0, demo = 0.0, docs = 0.0, caseStudy = 0.0, careers = 0.0, forms = 0.0, replies = 0.0, contact = 0.0
    package var positiveReplies = 0.0, meetings = 0.0, negativeReplies = 0.0

    package init() {}

    static let fieldCount = 16

    func value(_ i: Int) -> Double {
        switch i {
        case 0: engagement
        case 1: pageViews
        case 2: tracks
        case 3: email
        case 4: crm
        case 5: pricing
        case 6: demo
        case 7: docs
        case 8: caseStudy
        case 9: careers
        case 10: forms
        case 11: replies
        case 12: contact
        case 13: positiveReplies
        case 14: meetings
        default: negativeReplies
        }
    }

    mutating func set(_ i: Int, _ v: Double) {
        switch i {
        case 0: engagement = v
        case 1: pageViews = v
        case 2: tracks = v
        case 3: email = v
        case 4: crm = v
        case 5: pricing = v
        case 6: demo = v
        case 7: docs = v
        case 8: caseStudy = v
        case 9: careers = v
        case 10: forms = v
        case 11: replies = v
        case 12: contact = v
        case 13: positiveReplies = v
        case 14: meetings = v
        default: negativeReplies = v
        }
    }

    /// Decay factor from `from` to `to` (1 when `to <= from`).
    @inline(__always)
    static func decay(from: Int64, to: Int64, halfLifeMs: Double) -> Double {
        to <= from ? 1 : Foundation.exp2(-Double(to - from) / halfLifeMs)
    }

    /// The values as seen at event time `t` (no change to the stored state).
    package func at(_ t: Int64, halfLifeMs: Double) -> LeadActivity {
        guard time != .min, t > time else { return self }
        let f = Self.decay(from: time, to: t, halfLifeMs: halfLifeMs)
        var out = self
        out.time = t
        for i in 0..<Self.fieldCount { out.set(i, value(i) * f) }
        return out
    }

    /// Adds one engagement at event time `t` (out-of-order events are decayed
    /// to the current reference time instead of moving it back).
    package mutating func add(_ e: Engagement, at t: Int64, halfLifeMs: Double) {
        if time == .min { time = t }
        var w = 1.0
        if t > time { self = at(t, halfLifeMs: halfLifeMs) } else { w = Self.decay(from: t, to: time, halfLifeMs: halfLifeMs) }
        guard e.action.isActive else { return }
        switch e.action {
        case .groupResubscribe, .unsubscribe, .groupUnsubscribe, .spamreport: return
        default: break
        }
        engagement += w
        switch e.action {
        case .pageView: pageViews += w
        case .track:
            tracks += w
            if let name = e.content, name.lowercased().contains("form") { forms += w }
        case .open, .click: email += w
        case .emailReply:
            replies += w
            switch ReplyOutcome(detail: e.detail) {
            case .positive: positiveReplies += w
            case .negative: negativeReplies += w
            case .neutral: break
            }
        case .meeting:
            crm += w
            meetings += w
        case .call, .note: crm += w
        default: break
        }
        switch e.category {
        case .pricing: pricing += w
        case .demo: demo += w
        case .docs: docs += w
        case .caseStudy: caseStudy += w
        case .careers: careers += w
        case .contact: contact += w
        default: break
        }
    }
}
