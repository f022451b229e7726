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

    /// As the default, with each address classified once per interned id (``StringClassMemo``).
    func forEachEmailClass(_ extractor: FeatureExtractor, memo: inout ExtractionMemo, _ body: (MailDomainKind, Bool) -> Void) {
        ledger.forEachIdentifierID(of: handle) { kind, id in
            guard kind == .email else { return }
            let c = extractor.valueClass(id, in: ledger.strings, memo: &memo)
            if let mail = c.mail { body(mail, c.competitor) }
        }
    }

    func valueClass(_ name: AttributeName, _ extractor: FeatureExtractor, memo: inout ExtractionMemo) -> ValueClass? {
        let id = ledger.attributeID(name, of: handle)
        return id == StringTable.none ? nil : extractor.valueClass(id, in: ledger.strings, memo: &memo)
    }

    func number(_ name: AttributeName, memo: inout ExtractionMemo) -> Double? {
        let id = ledger.attributeID(name, of: handle)
        return id == StringTable.none ? nil : FeatureExtractor.number(id, in: ledger.strings, memo: &memo)
    }

    func categoryMask(_ feature: Int, _ extractor: FeatureExtractor, memo: inout ExtractionMemo) -> UInt64? {
        let id = ledger.attributeID(extractor.configuration.categorical[feature].attribute, of: handle)
        return id == StringTable.none ? nil : extractor.categoryMask(feature, id, in: ledger.strings, memo: &memo)
    }
}
