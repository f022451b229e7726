import Foundation
import LeadLedgerCore

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
