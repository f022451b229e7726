import Foundation
import LeadLedgerCore

/// A lead read in place from a ``Ledger`` (no ``LeadProfile`` built).
struct LedgerLead: LeadFields {
    let ledger: Ledger
    let handle: Ledger.LeadHandle
    var leadID: LeadID { ledger.id(of: handle) }
    func value(_ name: AttributeName) -> String? { ledger.attribute(name, of: handle) }
    func forEachIdentifier(_ body: (IdentifierKind, String) -> Void) { ledger.forEachIdentifier(of: handle, body) }
    var lastEngaged: Int64 { ledger.engagement(of: handle).lastEngaged }
    var health: EmailHealth { ledger.emailHealth(of: handle) }
    var outcomeKind: OutcomeKind? { ledger.outcome(of: handle)?.kind }
    var custom: [CustomField] { ledger.customFields(of: handle) }

    /// As the default, with each email's classification memoized by its interned id (the
    /// domain is neither cut out nor hashed again). A hit is used only when the memoized
    /// address equals this ledger's value of the id, so a memo filled from another ledger
    /// is never wrong, only missed.
    func forEachEmailClass(_ extractor: FeatureExtractor, memo: inout DomainMemo, _ body: (MailDomainKind, Bool) -> Void) {
        let strings = ledger.strings
        ledger.forEachIdentifierID(of: handle) { kind, id in
            guard kind == .email else { return }
            let c: DomainMemo.EmailClass
            if let hit = memo.emails[id], strings.holds(id, hit.email) {
                c = hit
            } else {
                guard let email = strings[id] else { return }
                if let domain = FeatureExtractor.mailDomain(email) {
                    let (k, competitor) = extractor.classify(domain: domain, memo: &memo)
                    c = .init(email: email, kind: k, competitor: competitor)
                } else {
                    c = .init(email: email, kind: nil, competitor: false)
                }
                if memo.emails.count >= DomainMemo.emailCapacity { memo.emails.removeAll(keepingCapacity: true) }
                memo.emails[id] = c
            }
            if let k = c.kind { body(k, c.competitor) }
        }
    }
}
