import Foundation
import LeadLedgerCore

/// Memo of pure per-domain classifications (a cache: never part of any output order).
struct DomainMemo: Sendable {
    var domains: [String: (MailDomainKind, Bool)] = [:]
    /// One email address's classification (`kind` nil: no domain).
    struct EmailClass: Sendable {
        var email: String
        var kind: MailDomainKind?
        var competitor: Bool
    }
    /// Email classifications by the address's interned id in the ledger that was read
    /// (checked against the address on use).
    var emails: [UInt32: EmailClass] = [:]
    /// Entries of ``emails`` before it is cleared: 2^20 (about 48 bytes an entry with the
    /// table's spare room, so at most ~50 MB per ``DecisionState``; the map holds the
    /// ledger's own interned address strings, retained, not copies). Was 100,000, which a
    /// partition with more distinct addresses than that cleared over and over.
    static let emailCapacity = 1 << 20
}
