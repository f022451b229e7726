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
    func row(_ messages: [String], email: String, extractor: FeatureExtractor, memo: inout ExtractionMemo) throws -> [Double] {
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
        var shared = ExtractionMemo()
        let freeRow = try row(free, email: "ann@gmail.com", extractor: extractor, memo: &shared)
        let corporateRow = try row(corporate, email: "ann@acme.io", extractor: extractor, memo: &shared)
        var fresh = ExtractionMemo()
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

    /// The scoring configuration of ``DecisionFixtures`` with three categorical features: one split on a
    /// separator, one exact, one of 65 values.
    static let categoricalYAML =
        DecisionFixtures.scoringYAML + """

            categorical:
              - {attribute: lead_source, values: [Ads, Search, Event], separator: " / "}
              - {attribute: industry, values: [Software, Retail]}
              - {attribute: country, values: [\((0..<64).map { "C\($0)" }.joined(separator: ", ")), DE]}
            """

    /// Rows of `id` read in place (with `memo`) and from the materialized profile
    /// (the attribute texts classified afresh), as bit patterns (rows hold NaN), and
    /// the gate's disqualifier both ways.
    func bothRows(_ ledger: Ledger, _ id: LeadID, _ decision: DecisionConfiguration, memo: inout ExtractionMemo) throws -> (
        inPlace: [UInt64], profile: [UInt64], gates: (Disqualifier?, Disqualifier?)
    ) {
        let extractor = decision.extractor
        let at = try #require(EventTime.parseRFC3339("2024-04-02T00:00:00Z"))
        let handle = try #require(ledger.handle(of: id))
        let profile = try #require(ledger.lead(id))
        var fast = [Double](repeating: 0, count: extractor.schema.count)
        var slow = fast
        fast.withUnsafeMutableBufferPointer {
            let account = ledger.account(of: handle).map { extractor.accountSignals($0, ledger: ledger, at: at) }
            extractor.extract(
                lead: LedgerLead(ledger: ledger, handle: handle), account: account, activity: LeadActivity(), at: at, into: $0,
                memo: &memo)
        }
        slow.withUnsafeMutableBufferPointer {
            extractor.extract(
                lead: profile, account: profile.account.flatMap { ledger.account($0) }, ledger: ledger, activity: LeadActivity(), at: at,
                into: $0)
        }
        let gate = QualificationGate(decision.scoring.gate)
        let fastGate = fast.withUnsafeBufferPointer {
            gate.disqualifier(fields: LedgerLead(ledger: ledger, handle: handle), row: $0, extractor: extractor, memo: &memo)
        }
        let slowGate = slow.withUnsafeBufferPointer { gate.disqualifier(lead: profile, row: $0) }
        return (fast.map(\.bitPattern), slow.map(\.bitPattern), (fastGate, slowGate))
    }

    @Test(
        "attribute values classified by interned id give the profile's row and gate: seniority, role, function, employees, industry and country with the account's as fallback, categorical columns with and without a separator, a student title"
    )
    func attributeClassesMatchProfile() throws {
        let decision = try DecisionFixtures.configuration(scoring: Self.categoricalYAML)
        var h = DecisionHarness()
        let messages = [
            accountUpsert("A1", domain: "acme.io", employees: 800, at: "2024-03-01T00:00:00Z"),
            crmLead(
                "L1", at: "2024-03-01T01:00:00Z",
                #""email":"ann@acme.io","title":"VP Marketing","industry":"Software","country":"DE","lead_source":"Ads / Search","employees":250"#
            ),
            crmLead(
                "L2", at: "2024-03-01T02:00:00Z",
                #""email":"bob@gmail.com","title":"Student Assistant","industry":"retail","country":"us","lead_source":"Event""#),
            crmLead("L3", at: "2024-03-01T03:00:00Z", #""email":"cat@acme.io","title":"CTO""#),
            crmLead(
                "L4", at: "2024-03-01T04:00:00Z", #""email":"dan@rival.io","title":"IT Director","lead_source":"Search / Ads / Other""#),
            crmLead(
                "L5", at: "2024-03-01T05:00:00Z",
                #""email":"eve@acme.io","title":"Software Engineer","industry":"Retail","lead_source":"Ads""#),
        ]
        for m in messages { try h.feed(.crm, m) }
        var ledger = Ledger()
        for e in h.log { _ = ledger.apply(e) }
        var memo = ExtractionMemo()
        var disqualifiers: [Disqualifier?] = []
        var distinctRows = Set<[UInt64]>()
        // Twice: the second pass reads every value from the memo.
        for pass in 0..<2 {
            for email in ["ann@acme.io", "bob@gmail.com", "cat@acme.io", "dan@rival.io", "eve@acme.io"] {
                let lead = h.lead(email: email)
                let id = try #require(lead)
                let r = try bothRows(ledger, id, decision, memo: &memo)
                #expect(r.inPlace == r.profile, "\(email), pass \(pass)")
                #expect(r.gates.0 == r.gates.1, "\(email), pass \(pass)")
                if pass == 0 {
                    disqualifiers.append(r.gates.0)
                    distinctRows.insert(r.inPlace)
                }
            }
        }
        #expect(distinctRows.count == 5)
        #expect(disqualifiers[1] == .student)
        #expect(disqualifiers[3] == .competitor)
        // The categorical columns are set as configured (lead_source=Ads, =Search, =Event, industry=Software, =Retail).
        let names = decision.extractor.schema.names
        let annID = h.lead(email: "ann@acme.io")
        let ann = try bothRows(ledger, try #require(annID), decision, memo: &memo).inPlace
        func column(_ name: String) throws -> Double { Double(bitPattern: ann[try #require(names.firstIndex(of: name))]) }
        #expect(try column("lead_source=Ads") == 1)
        #expect(try column("lead_source=Search") == 1)
        #expect(try column("lead_source=Event") == 0)
        #expect(try column("industry=Software") == 1)
        #expect(try column("industry=Retail") == 0)
        // A feature of more than 64 values (read as text, not through the memo).
        #expect(try column("country=DE") == 1)
        #expect(try column("country=C0") == 0)
    }

    @Test(
        "two copies of one ledger that grow apart give their own rows through one shared memo (the same string ids hold other values in each)"
    )
    func memoAcrossForkedLedgers() throws {
        let decision = try DecisionFixtures.configuration(scoring: Self.categoricalYAML)
        var h = DecisionHarness()
        try h.feed(.crm, crmLead("L0", at: "2024-03-01T00:00:00Z", #""email":"zed@acme.io","title":"CEO""#))
        var base = Ledger()
        for e in h.log { _ = base.apply(e) }
        // The same shape of event on each copy: new strings take the same ids in both.
        func fork(_ fields: String) throws -> (Ledger, LeadID) {
            var f = h
            try f.feed(.crm, crmLead("L1", at: "2024-03-02T00:00:00Z", fields))
            var ledger = base
            for e in f.log.dropFirst(h.log.count) { _ = ledger.apply(e) }
            let lead = f.lead(email: "ann@initech.com")
            return (ledger, try #require(lead))
        }
        let (a, leadA) = try fork(#""email":"ann@initech.com","title":"Student Assistant","industry":"Software","lead_source":"Ads""#)
        let (b, leadB) = try fork(#""email":"ann@initech.com","title":"VP Sales","industry":"Retailers","lead_source":"Event""#)
        var shared = ExtractionMemo()
        var rowsA: [[UInt64]] = []
        var rowsB: [[UInt64]] = []
        for _ in 0..<2 {
            let ra = try bothRows(a, leadA, decision, memo: &shared)
            let rb = try bothRows(b, leadB, decision, memo: &shared)
            #expect(ra.inPlace == ra.profile)
            #expect(rb.inPlace == rb.profile)
            #expect(ra.gates.0 == .student)
            #expect(rb.gates.0 == nil)
            rowsA.append(ra.inPlace)
            rowsB.append(rb.inPlace)
        }
        #expect(rowsA[0] == rowsA[1])
        #expect(rowsB[0] == rowsB[1])
        #expect(rowsA[0] != rowsB[0])
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
