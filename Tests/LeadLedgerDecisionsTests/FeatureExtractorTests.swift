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
            extractor.extract(
                lead: LedgerLead(ledger: ledger, handle: handle), account: nil, activity: LeadActivity(), at: at, into: $0, memo: &memo)
        }
        return x
    }

    @Test(
        "email classes memoized by interned id follow the address: a memo filled from another ledger (same ids, other addresses) gives the fresh row"
    )
    func emailMemoAcrossLedgers() throws {
        let extractor = try DecisionFixtures.configuration().extractor
        func messages(_ a: String, _ b: String) -> [String] {
            [
                #"{"event_id":"e1","type":"lead.created","occurred_at":"2024-04-01T09:00:00Z","source":"salesforce","record_id":"L1","lead":{"email":"\#(a)"}}"#,
                #"{"event_id":"e2","type":"lead.updated","occurred_at":"2024-04-01T10:00:00Z","source":"salesforce","record_id":"L1","lead":{"email":"\#(b)"}}"#,
            ]
        }
        let free = messages("ann@gmail.com", "ann@yahoo.com")
        let corporate = messages("ann@acme.io", "ann@initech.com")
        var shared = DomainMemo()
        let freeRow = try row(free, email: "ann@gmail.com", extractor: extractor, memo: &shared)
        let corporateRow = try row(corporate, email: "ann@acme.io", extractor: extractor, memo: &shared)
        var fresh = DomainMemo()
        #expect(freeRow[FeatureCatalogue.Index.freeMail] == 1)
        #expect(corporateRow[FeatureCatalogue.Index.freeMail] == 0)
        // Bit patterns: rows hold NaN for unknown values.
        #expect(
            corporateRow.map(\.bitPattern)
                == (try row(corporate, email: "ann@acme.io", extractor: extractor, memo: &fresh)).map(\.bitPattern))
        #expect(
            freeRow.map(\.bitPattern) == (try row(free, email: "ann@gmail.com", extractor: extractor, memo: &shared)).map(\.bitPattern),
            "a hit gives the same row")
    }

    @Test(
        "account signals read from the ledger's contact summary equal those of the materialized account, after relinks and merges, at times that put some, all or no engaged contacts in the window"
    )
    func accountSignalsMatchProfile() throws {
        let extractor = try DecisionFixtures.configuration().extractor
        var h = DecisionHarness()
        let messages: [(InboundTopic, String)] = [
            (.crm, accountUpsert("A1", domain: "acme.io", at: "2024-03-01T00:00:00Z")),
            (.crm, accountUpsert("A2", domain: "initech.com", at: "2024-03-01T00:00:00Z")),
            (.crm, crmLead("L1", at: "2024-03-01T01:00:00Z", #""email":"ann@acme.io","title":"CEO""#)),
            (.crm, crmLead("L2", at: "2024-03-01T02:00:00Z", #""email":"bob@acme.io","title":"VP Marketing""#)),
            (.crm, crmLead("L3", at: "2024-03-01T03:00:00Z", #""email":"cat@acme.io","title":"Software Engineer""#)),
            (.crm, crmLead("L4", at: "2024-03-01T04:00:00Z", #""email":"dan@acme.io","title":"Director of IT""#)),
            (.crm, activity("L1", email: "ann@acme.io", kind: "call", at: "2024-03-02T00:00:00Z")),
            (.crm, activity("L2", email: "bob@acme.io", kind: "meeting", at: "2024-03-20T00:00:00Z")),
            (.crm, activity("L4", email: "dan@acme.io", kind: "call", at: "2024-03-21T00:00:00Z")),
            (.crm, crmLead("L3", at: "2024-03-22T00:00:00Z", #""title":"Student""#, type: "lead.updated")),
            (.crm, activity("L4", email: "dan@initech.com", kind: "call", at: "2024-04-01T00:00:00Z")),
            (.web, identify(user: "u5", email: "eve@acme.io", at: "2024-04-02T00:00:00Z", id: "i1")),
            (.web, pageView(user: "u5", path: "/pricing", at: "2024-04-03T00:00:00Z", id: "p1")),
            (.crm, crmLead("L5", at: "2024-04-04T00:00:00Z", #""email":"eve@acme.io","title":"CTO""#)),
            (.crm, crmLead("L3", at: "2024-04-05T00:00:00Z", #""email":"eve@acme.io""#, type: "lead.updated")),
            (.crm, activity("L3", email: "cat@acme.io", kind: "call", at: "2024-04-10T00:00:00Z")),
            // A subsidiary of A1 (A1's engaged list then spans the hierarchy).
            (
                .crm,
                #"{"event_id":"acc-A3","type":"account.upserted","occurred_at":"2024-04-11T00:00:00Z","source":"salesforce","record_id":"A3","account":{"account_id":"A3","name":"A3","domain":"globex.com","parent_domain":"acme.io"}}"#
            ),
            (.crm, crmLead("L6", at: "2024-04-11T01:00:00Z", #""email":"fay@globex.com","title":"CEO""#)),
            (.crm, activity("L6", email: "fay@globex.com", kind: "call", at: "2024-04-12T00:00:00Z")),
            (.crm, activity("L2", email: "bob@acme.io", kind: "meeting", at: "2024-04-13T00:00:00Z")),
        ]
        for (topic, m) in messages { try h.feed(topic, m) }
        var ledger = Ledger()
        var compared = 0
        var accounts: [AccountID] = []
        for e in h.log {
            _ = ledger.apply(e)
            let t = e.eventTime.milliseconds
            let times = [t, t - 15 * 86_400_000, t + 40 * 86_400_000, t - 60 * 86_400_000].map { EventTime(milliseconds: $0) }
            if let id = e.accountID, !accounts.contains(id) { accounts.append(id) }
            for id in accounts {
                guard let a = ledger.handle(of: id), let profile = ledger.account(id) else { continue }
                for at in times {
                    let fast = extractor.accountSignals(a, ledger: ledger, at: at)
                    let slow = extractor.accountSignals(profile, ledger: ledger, at: at)
                    #expect(fast.engaged == slow.engaged)
                    #expect(fast.coverage == slow.coverage)
                    #expect(fast.openOpportunities == slow.openOpportunities)
                    #expect(fast.hierarchy == slow.hierarchy)
                    compared += 1
                }
            }
        }
        #expect(accounts.count >= 2)
        #expect(compared > 40)
        // The summary survives a snapshot round trip (rebuilt on load).
        #expect(try Ledger(snapshot: ledger.snapshotBytes()) == ledger)
    }
}
