import Foundation
import LeadLedgerCore
import Testing
@testable import LeadLedgerDecisions

@Suite("FeatureExtractor: reads in place from the ledger")
struct FeatureExtractorTests {
    @Test("role bits follow BuyingRole.allCases order")
    func roleBits() {
        for (i, r) in BuyingRole.allCases.enumerated() { #expect(FeatureExtractor.roleBit(r) == 1 << UInt8(i)) }
    }

    /// The row of the lead with `email` in a ledger built from `messages`, extracted with `memo`.
    func row(_ messages: [String], email: String, extractor: FeatureExtractor, memo: inout DomainMemo) throws -> [Double] {
        var h = DecisionHarness()
        for m in messages { try h.feed(.crm, m) }
        var ledger = Ledger()
        for e in h.log { _ = ledger.apply(e) }
        let lead = h.lead(email: email)
        let id = try #require(lead)
        let handle = try #require(ledger.handle(of: id))
        var x = [Double](repeating: 0, count: extractor.schema.count)
        let at = try #require(EventTime.parseRFC3339("2024-04-02T00:00:00Z"))
        x.withUnsafeMutableBufferPointer {
            extractor.extract(lead: LedgerLead(ledger: ledger, handle: handle), account: nil, activity: LeadActivity(), at: at, into: $0, memo: &memo)
        }
        return x
    }

    @Test("email classes memoized by interned id follow the address: a memo filled from another ledger (same ids, other addresses) gives the fresh row")
    func emailMemoAcrossLedgers() throws {
        let extractor = try DecisionFixtures.configuration().extractor
        func messages(_ a: String, _ b: String) -> [String] {
            [#"{"event_id":"e1","type":"lead.created","occurred_at":"2024-04-01T09:00:00Z","source":"salesforce","record_id":"L1","lead":{"email":"\#(a)"}}"#,
             #"{"event_id":"e2","type":"lead.updated","occurred_at":"2024-04-01T10:00:00Z","source":"salesforce","record_id":"L1","lead":{"email":"\#(b)"}}"#]
        }
        let free = messages("ann@gmail.com", "ann@yahoo.com"), corporate = messages("ann@acme.io", "ann@initech.com")
        var shared = DomainMemo()
        let freeRow = try row(free, email: "ann@gmail.com", extractor: extractor, memo: &shared)
        let corporateRow = try row(corporate, email: "ann@acme.io", extractor: extractor, memo: &shared)
        var fresh = DomainMemo()
        #expect(freeRow[FeatureCatalogue.Index.freeMail] == 1)
        #expect(corporateRow[FeatureCatalogue.Index.freeMail] == 0)
        // Bit patterns: rows hold NaN for unknown values.
        #expect(corporateRow.map(\.bitPattern) == (try row(corporate, email: "ann@acme.io", extractor: extractor, memo: &fresh)).map(\.bitPattern))
        #expect(freeRow.map(\.bitPattern) == (try row(free, email: "ann@gmail.com", extractor: extractor, memo: &shared)).map(\.bitPattern), "a hit gives the same row")
    }
}
