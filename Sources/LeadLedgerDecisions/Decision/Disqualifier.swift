import Foundation
import LeadLedgerCore

/// Why a lead is disqualified (checked in this order; the first wins).
package enum Disqualifier: String, Sendable, CaseIterable {
    /// Email or account domain is a configured competitor domain.
    case competitor
    /// The title names a student (`student` in the title, any case).
    case student
    /// A spam trap: a disposable-mail address, or the lead reported our email as spam.
    case spamTrap = "spam_trap"
    /// An email to the lead hard-bounced.
    case hardBounce = "hard_bounce"
    /// The lead unsubscribed and the unsubscribe policy is `disqualify`.
    case unsubscribed
    /// Sales disqualified the lead in the CRM (`lead.disqualified`).
    case crmDisqualified = "crm_disqualified"
}
