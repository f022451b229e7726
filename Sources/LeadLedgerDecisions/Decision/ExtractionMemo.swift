import Foundation
import LeadLedgerCore

/// Memo of the feature extractor's pure classifications: per mail domain, and
/// per interned string of the ledger being read. A cache: never part of any
/// output or order, and a miss only costs the classification again.
struct ExtractionMemo: Sendable {
    /// Mail-domain kind and competitor flag by domain.
    var domains: [String: (MailDomainKind, Bool)] = [:]
    /// Classes, parsed numbers and category matches by interned string id.
    var strings = StringClassMemo()
}
