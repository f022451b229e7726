import Foundation
import LeadLedgerCore

/// What feature extraction and the gate read of a lead: a ``LeadProfile``, or
/// ``LedgerLead`` (read in place from the ledger's columns).
protocol LeadFields {
    var leadID: LeadID { get }
    /// The attribute's current value.
    func value(_ name: AttributeName) -> String?
    /// Each identifier, in profile order.
    func forEachIdentifier(_ body: (IdentifierKind, String) -> Void)
    /// Last active engagement (ms; `.min` when none).
    var lastEngaged: Int64 { get }
    var health: EmailHealth { get }
    var outcomeKind: OutcomeKind? { get }
    /// The lead's custom CRM fields, sorted by key.
    var custom: [CustomField] { get }
    /// Calls `body` with the mail-domain kind and competitor flag of each email identifier
    /// that has a domain (``FeatureExtractor/mailDomain(_:)``), in identifier order.
    func forEachEmailClass(_ extractor: FeatureExtractor, memo: inout DomainMemo, _ body: (MailDomainKind, Bool) -> Void)
}

extension LeadFields {
    func forEachEmailClass(_ extractor: FeatureExtractor, memo: inout DomainMemo, _ body: (MailDomainKind, Bool) -> Void) {
        forEachIdentifier { kind, value in
            guard kind == .email, let domain = FeatureExtractor.mailDomain(value) else { return }
            let (mailKind, isCompetitor) = extractor.classify(domain: domain, memo: &memo)
            body(mailKind, isCompetitor)
        }
    }
}
