import Foundation
import LeadLedgerCore

/// What feature extraction and the gate read of a lead: a ``LeadProfile``, or
/// ``LedgerLead`` (read in place from the ledger's columns).
///
/// The classifying reads have defaults that classify the attribute's text;
/// ``LedgerLead`` answers them from a memo by the value's interned id.
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
    func forEachEmailClass(_ extractor: FeatureExtractor, memo: inout ExtractionMemo, _ body: (MailDomainKind, Bool) -> Void)
    /// The class of the attribute's current value (nil: no value).
    func valueClass(_ name: AttributeName, _ extractor: FeatureExtractor, memo: inout ExtractionMemo) -> ValueClass?
    /// The attribute's current value as a number (nil: no value, or not a number).
    func number(_ name: AttributeName, memo: inout ExtractionMemo) -> Double?
    /// Which values of `extractor.configuration.categorical[feature]` the attribute's
    /// current value matches, bit `i` for value `i` (nil: no value). For features of
    /// at most 64 values.
    func categoryMask(_ feature: Int, _ extractor: FeatureExtractor, memo: inout ExtractionMemo) -> UInt64?
}

extension LeadFields {
    func forEachEmailClass(_ extractor: FeatureExtractor, memo: inout ExtractionMemo, _ body: (MailDomainKind, Bool) -> Void) {
        forEachIdentifier { kind, value in
            guard kind == .email, let domain = FeatureExtractor.mailDomain(value) else { return }
            let (mailKind, isCompetitor) = extractor.classify(domain: domain, memo: &memo)
            body(mailKind, isCompetitor)
        }
    }

    func valueClass(_ name: AttributeName, _ extractor: FeatureExtractor, memo: inout ExtractionMemo) -> ValueClass? {
        value(name).map { extractor.classify(value: $0, memo: &memo) }
    }

    func number(_ name: AttributeName, memo: inout ExtractionMemo) -> Double? {
        value(name).flatMap(Double.init)
    }

    func categoryMask(_ feature: Int, _ extractor: FeatureExtractor, memo: inout ExtractionMemo) -> UInt64? {
        value(extractor.configuration.categorical[feature].attribute).map { extractor.categoryMask(feature, value: $0) }
    }
}
