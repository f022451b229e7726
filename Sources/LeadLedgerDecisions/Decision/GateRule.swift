import Foundation

/// The gate rule that set a lead's tier when the gate, not the score, did:
/// a disqualifier, the review rule, or the unsubscribe cap. Written as the
/// FIRST reason of the routing record and of the audit record's decisions
/// (`{"contribution":0,"feature":<name>,"kind":"gate","text":…,"value":…}`),
/// so a disqualified or reviewed lead says why before any score contribution.
package enum GateRule: String, Sendable, CaseIterable {
    case competitorDomain = "competitor_domain"
    case studentTitle = "student_title"
    case disposableMail = "disposable_mail"
    case spamReported = "email_spam_reported"
    case emailBounced = "email_bounced"
    case emailUnsubscribed = "email_unsubscribed"
    case crmDisqualified = "crm_disqualified"
    /// A high-value lead whose probability is in the review band.
    case reviewHighValue = "review_high_value_uncertain"
    /// An unsubscribed lead under `unsubscribe_policy: nurture`, capped at nurture.
    case unsubscribedCapped = "email_unsubscribed_capped"

    /// The rule behind `gate`, or nil when the score tier stands. `row` tells a
    /// disposable address from a spam report (both are ``Disqualifier/spamTrap``).
    package init?(_ gate: GateResult, row: UnsafeBufferPointer<Double>) {
        if let d = gate.disqualifier {
            switch d {
            case .competitor: self = .competitorDomain
            case .student: self = .studentTitle
            case .spamTrap: self = row[FeatureCatalogue.Index.disposable] == 1 ? .disposableMail : .spamReported
            case .hardBounce: self = .emailBounced
            case .unsubscribed: self = .emailUnsubscribed
            case .crmDisqualified: self = .crmDisqualified
            }
        } else if gate.review {
            self = .reviewHighValue
        } else if gate.tier == .nurture, gate.scoreTier != .nurture {
            self = .unsubscribedCapped
        } else {
            return nil
        }
    }

    /// The catalogue feature the rule reads, when it is one feature (its value is the reason's `value`).
    package var feature: Int? {
        typealias I = FeatureCatalogue.Index
        switch self {
        case .competitorDomain: return I.competitor
        case .disposableMail: return I.disposable
        case .spamReported: return I.spamReported
        case .emailBounced: return I.bounced
        case .emailUnsubscribed, .unsubscribedCapped: return I.unsubscribed
        case .studentTitle, .crmDisqualified, .reviewHighValue: return nil
        }
    }

    /// Whether the rule disqualifies the lead (the other rules send it to review or cap its tier).
    package var isDisqualifier: Bool {
        switch self {
        case .reviewHighValue, .unsubscribedCapped: return false
        default: return true
        }
    }

    /// The reason's sentence.
    package var text: String {
        switch self {
        case .competitorDomain:
            return "competitor_domain: the email or account domain is a configured competitor domain, so the lead is disqualified"
        case .studentTitle: return "student_title: the title names a student, so the lead is disqualified"
        case .disposableMail: return "disposable_mail: the email address is at a disposable-mail provider, so the lead is disqualified"
        case .spamReported: return "email_spam_reported: the lead reported our email as spam, so the lead is disqualified"
        case .emailBounced: return "email_bounced: an email to the lead hard-bounced, so the lead is disqualified"
        case .emailUnsubscribed:
            return "email_unsubscribed: the lead unsubscribed (unsubscribe_policy disqualify), so the lead is disqualified"
        case .crmDisqualified: return "crm_disqualified: sales disqualified the lead in the CRM"
        case .reviewHighValue:
            return
                "review_high_value_uncertain: a large company or an open opportunity, with a probability in the review band, so a person decides"
        case .unsubscribedCapped:
            return "email_unsubscribed_capped: the lead unsubscribed (unsubscribe_policy nurture), so its tier is capped at nurture"
        }
    }
}
