import Foundation
import LeadLedgerCore
import Testing

@testable import LeadLedgerDecisions

/// A mixed scenario: several leads, accounts with owners, page views, a merge,
/// an override, CRM activity, an SLA timeout and an erasure.
func mixedScenario() throws -> DecisionHarness {
    var h = DecisionHarness()
    try h.feed(.crm, accountUpsert("acc-1", domain: "acme.io", owner: "owner_acme", employees: 8000, at: "2024-04-01T08:00:00Z"))
    try h.feed(.crm, crmLead("L1", at: "2024-04-01T09:00:00Z", #""email":"ann@acme.io","title":"VP Marketing","country":"US""#))
    try h.feed(.crm, crmLead("L2", at: "2024-04-01T09:05:00Z", #""email":"bob@initech.com","title":"IT Manager","country":"US""#))
    try h.feed(.crm, crmLead("L3", at: "2024-04-01T09:10:00Z", #""email":"cy@globex.de","title":"Engineer","country":"DE""#))
    try h.feed(.web, identify(user: "u1", email: "ann@acme.io", at: "2024-04-01T10:00:00Z", id: "w1"))
    for i in 0..<4 { try h.feed(.web, pageView(user: "u1", path: "/pricing", at: "2024-04-01T10:0\(i):30Z", id: "wp\(i)")) }
    try h.feed(.web, identify(user: "u2", email: "bob@initech.com", at: "2024-04-01T11:00:00Z", id: "w2"))
    try h.feed(.web, pageView(user: "u2", path: "/demo", at: "2024-04-01T11:01:00Z", id: "wd1"))
    try h.feed(.web, pageView(user: "u2", path: "/careers", at: "2024-04-01T11:02:00Z", id: "wc1"))
    try h.feed(.crm, crmLead("L4", at: "2024-04-01T12:00:00Z", #""email":"dee@acme.io","title":"Director of IT""#))
    try h.feed(
        .crm,
        #"{"event_id":"ov1","type":"override.set","occurred_at":"2024-04-01T12:30:00Z","source":"salesforce","record_id":"L3","override":{"tier":"sales_ready","queue":"vip","owner_id":"rep_vip"}}"#
    )
    try h.feed(.crm, activity("L2", email: "bob@initech.com", kind: "call", at: "2024-04-01T13:00:00Z"))
    try h.feed(.crm, crmLead("L5", at: "2024-04-01T17:00:00Z", #""email":"eve@rival.io","title":"CEO""#))
    try h.feed(.crm, crmLead("L4", at: "2024-04-02T09:00:00Z", #""email":"ann@acme.io""#, type: "lead.updated"))
    try h.feed(
        .crm, #"{"event_id":"ov2","type":"override.cleared","occurred_at":"2024-04-02T10:00:00Z","source":"salesforce","record_id":"L3"}"#)
    try h.feed(
        .email,
        #"{"email":"bob@initech.com","timestamp":1712100000,"event":"bounce","type":"bounce","reason":"no such user","sg_event_id":"b1"}"#)
    try h.feed(
        .crm,
        #"{"event_id":"er1","type":"privacy.erasure","occurred_at":"2024-04-03T10:00:00Z","source":"salesforce","record_id":"L5","email":"eve@rival.io"}"#
    )
    try h.feed(.crm, accountUpsert("acc-9", domain: "nobody.example", at: "2024-04-03T11:00:00Z"))
    return h
}

@Suite("Decider: records, determinism, gate, routing")
struct DeciderTests {
    /// Committed outputs of earlier releases (`decision-state-v4.bin`: this file's
    /// mixed scenario's decision state as release 0.7.0 snapshotted it).
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    @Test("same log twice → byte-identical outputs; snapshot mid-way and continue → same bytes")
    func determinismAndSnapshot() throws {
        let h = try mixedScenario()
        let decider = Decider(try DecisionFixtures.configuration())
        var a = Replay()
        var b = Replay()
        a.run(h.log[...], decider: decider)
        b.run(h.log[...], decider: decider)
        #expect(a.allBytes == b.allBytes)
        #expect(a.state == b.state)
        #expect(a.state.snapshotBytes() == b.state.snapshotBytes())
        #expect(a.outputs.allSatisfy { $0.audit.count == 1 }, "every applied event has exactly one audit record")
        #expect(a.routing.count >= 5)

        for cut in [1, 7, h.log.count / 2, h.log.count - 2] {
            var first = Replay()
            first.run(h.log[..<cut], decider: decider)
            let snap = first.state.snapshotBytes()
            var resumed = Replay(ledger: first.ledger, state: try DecisionState(snapshot: snap), outputs: first.outputs)
            #expect(resumed.state == first.state)
            #expect(resumed.state.snapshotBytes() == snap)
            resumed.run(h.log[cut...], decider: decider, startOffset: Int64(cut))
            #expect(resumed.allBytes == a.allBytes, "resumed after \(cut) events differs")
        }
        // Corrupt snapshots fail clearly.
        var bad = a.state.snapshotBytes()
        bad[4] = 9
        #expect(throws: DecisionsError.self) { _ = try DecisionState(snapshot: bad) }
        #expect(throws: DecisionsError.self) { _ = try DecisionState(snapshot: Array(a.state.snapshotBytes().dropLast())) }
        // A lead count far beyond what the bytes can hold is refused before it sizes an allocation
        // (found by the snapshot fuzz target: 0x1f1f1f1f leads in 87 bytes aborted the process).
        var huge = SnapshotEnvelope.begin(tag: .decisionState, version: DecisionState.snapshotFormatVersion, capacity: 0)
        huge.time(0)
        huge.varint(UInt64(0x1F1F_1F1F))
        huge.append([UInt8](repeating: 0x1F, count: 69))
        #expect(throws: DecisionsError.self) { _ = try DecisionState(snapshot: SnapshotEnvelope.finish(&huge)) }
        let hugeLegacy = DecisionState.legacyMagic + [0, 4] + [UInt8](repeating: 0, count: 8) + [UInt8](repeating: 0x1F, count: 73)
        #expect(throws: DecisionsError.self) { _ = try DecisionState(snapshot: hugeLegacy) }
        // The current format: version 5 in the envelope every snapshot shares (type 3).
        let current = a.state.snapshotBytes()
        #expect(current.starts(with: Array("LLSN".utf8)) && current[4] == 5 && current[8] == 3, "format version 5, type 3")
        // The previous release's format (4) still restores, to the same state; older ones are refused, never restored as wrong state.
        let v4 = try [UInt8](Data(contentsOf: Self.golden.appendingPathComponent("decision-state-v4.bin")))
        #expect(try DecisionState(snapshot: v4) == a.state, "the version-4 snapshot of this scenario's state")
        #expect(try DecisionState(snapshot: v4).snapshotBytes() == current)
        for old: UInt8 in [1, 2, 3] {
            var v = v4
            v[5] = old
            #expect(throws: DecisionsError.self, "format \(old)") { _ = try DecisionState(snapshot: v) }
        }
        #expect(throws: DecisionsError.self) { _ = try DecisionState(snapshot: Array(v4.dropLast())) }
    }

    /// Accounts `fanout.io` (owner_1) with three contacts without title (buying role user), no engagement.
    static func fanOutScenario() throws -> DecisionHarness {
        var h = DecisionHarness()
        try h.feed(.crm, accountUpsert("acc-f", domain: "fanout.io", owner: "owner_1", at: "2024-07-01T08:00:00Z"))
        for (i, name) in ["ann", "bob", "cy"].enumerated() {
            try h.feed(.crm, crmLead("F\(i)", at: "2024-07-01T09:0\(i):00Z", #""email":"\#(name)@fanout.io","country":"US""#))
        }
        return h
    }

    @Test("account fan-out: an account change re-decides every contact only when the account inputs changed")
    func accountFanOutRule() throws {
        let config = try DecisionFixtures.configuration(weights: [:], intercept: 0)  // score 50 → sales_develop (owner assigned)
        var h = try Self.fanOutScenario()
        var marks: [(String, Range<Int>)] = []
        func step(_ name: String, _ json: String) throws {
            let start = h.log.count
            try h.feed(.crm, json)
            marks.append((name, start..<h.log.count))
        }
        try step("same facts", accountUpsert("acc-f", domain: "fanout.io", owner: "owner_1", at: "2024-07-02T08:00:00Z"))
        try step("same role", crmLead("F3", at: "2024-07-02T09:00:00Z", #""email":"dee@fanout.io","country":"US""#))
        // A CEO (decision maker) without an account (free mail), then linked by website: a role the account lacked.
        try h.feed(.crm, crmLead("F4", at: "2024-07-02T09:30:00Z", #""email":"eve@gmail.com","country":"US","title":"CEO""#))
        try step("new role", crmLead("F4", at: "2024-07-02T10:00:00Z", #""website":"https://fanout.io""#, type: "lead.updated"))
        try step("new owner", accountUpsert("acc-f", domain: "fanout.io", owner: "owner_2", at: "2024-07-02T10:30:00Z"))
        try step(
            "opportunity opens",
            #"{"event_id":"o1","type":"opportunity.created","occurred_at":"2024-07-02T11:00:00Z","source":"salesforce","opportunity":{"opportunity_id":"OPP-1","account_domain":"fanout.io","stage":"Discovery","amount":5000}}"#
        )
        try step(
            "opportunity stage",
            #"{"event_id":"o2","type":"opportunity.stage_changed","occurred_at":"2024-07-02T12:00:00Z","source":"salesforce","opportunity":{"opportunity_id":"OPP-1","account_domain":"fanout.io","stage":"Proposal","amount":7000}}"#
        )
        var r = Replay()
        r.run(h.log[...], decider: Decider(config))
        var leads: [String: String] = [:]
        for (name, email) in [
            ("ann", "ann@fanout.io"), ("bob", "bob@fanout.io"), ("cy", "cy@fanout.io"), ("dee", "dee@fanout.io"), ("eve", "eve@gmail.com"),
        ] {
            let lead = h.lead(email: email)
            leads[name] = try #require(lead).description
        }
        let all = leads.values.sorted()
        /// The one output of the step's log event of `kind`.
        func output(_ step: String, kind: String) throws -> (DecisionOutput, [String: Any]) {
            let range = try #require(marks.first { $0.0 == step }?.1)
            let i = try #require(range.first { h.log[$0].payload.kind == kind }, "\(step): no \(kind) event")
            let out = r.outputs[i]
            return (out, named(parse(out.audit[0].value), names: r.featureNames))
        }
        func decided(_ record: [String: Any]) -> [String] {
            ((record["lead_id"] as? String).map { [$0] } ?? [])
                + ((record["further_decisions"] as? [[String: Any]]) ?? []).map { $0["lead_id"] as! String }
        }

        // Unchanged account inputs: only the leads the event names.
        let (same, sameRecord) = try output("same facts", kind: "account.upserted")
        #expect(same.decisions == 0 && same.routing.isEmpty && sameRecord["lead_id"] is NSNull)
        #expect((sameRecord["further_decisions"] as? [Any])?.isEmpty == true)
        let (link, linkRecord) = try output("same role", kind: "account.linked")
        #expect(link.decisions == 1 && decided(linkRecord) == [leads["dee"]!], "a contact adding no buying-center role decides only itself")
        #expect((linkRecord["further_decisions"] as? [Any])?.isEmpty == true)
        let (stage, stageRecord) = try output("opportunity stage", kind: "opportunity.upserted")
        #expect(stage.decisions == 0 && decided(stageRecord).isEmpty, "an open opportunity's new stage changes no account input")

        // Changed account inputs: the event's own lead first, then every other contact in lead-id order.
        let (role, roleRecord) = try output("new role", kind: "account.linked")
        #expect(role.decisions == 5)
        #expect(
            decided(roleRecord) == [leads["eve"]!] + all.filter { $0 != leads["eve"]! }, "a new buying-center role re-decides every contact"
        )
        let (opp, oppRecord) = try output("opportunity opens", kind: "opportunity.upserted")
        #expect(opp.decisions == 5 && decided(oppRecord) == all, "an opening opportunity re-decides every contact")
        #expect((oppRecord["features"] as? [String: Any])?["open_opportunities"] as? Double == 1)
        let (owner, ownerRecord) = try output("new owner", kind: "account.upserted")
        #expect(owner.decisions == 5 && decided(ownerRecord) == all)
        #expect(
            owner.routing.map { parse($0.value)["owner_id"] as? String } == Array(repeating: "owner_2", count: 5),
            "the new owner re-routes every contact")

        // The rule is part of the replayed state: continuing from a snapshot after any event gives the same bytes.
        for cut in 1..<h.log.count {
            var first = Replay()
            first.run(h.log[..<cut], decider: Decider(config))
            var resumed = Replay(
                ledger: first.ledger, state: try DecisionState(snapshot: first.state.snapshotBytes()), outputs: first.outputs)
            resumed.run(h.log[cut...], decider: Decider(config), startOffset: Int64(cut))
            #expect(resumed.allBytes == r.allBytes, "resumed after \(cut) events differs")
        }
    }

    @Test("DecisionState snapshot round-trips the account fan-out signatures; equality and bytes include them")
    func fanOutSignaturesRoundTrip() throws {
        var r = Replay()
        r.run(try Self.fanOutScenario().log[...], decider: Decider(try DecisionFixtures.configuration()))
        #expect(r.state.accountSignatures.keys.map(\.rawValue) == ["fanout.io"])
        let bytes = r.state.snapshotBytes()
        let restored = try DecisionState(snapshot: bytes)
        #expect(restored == r.state && restored.snapshotBytes() == bytes)
        var other = r.state
        other.accountSignatures[AccountID("fanout.io")]! &+= 1
        other.accountSignatures[AccountID("a-first.io")] = 7
        #expect(other != r.state && other.snapshotBytes() != bytes)
        let otherRestored = try DecisionState(snapshot: other.snapshotBytes())
        #expect(otherRestored == other && otherRestored.accountSignatures.count == 2)
        var none = r.state
        none.accountSignatures = [:]
        #expect(none != r.state && none.snapshotBytes() != bytes)
    }

    @Test(
        "decision ids come from (partition, offset, kind) and match each record's decisionID; routing keys are lead ids, audit keys the event's key"
    )
    func decisionIDs() throws {
        #expect(DecisionID.make(partition: 0, offset: 5, kind: "audit") == DecisionID.make(partition: 0, offset: 5, kind: "audit"))
        #expect(DecisionID.make(partition: 0, offset: 5, kind: "audit") != DecisionID.make(partition: 1, offset: 5, kind: "audit"))
        #expect(DecisionID.make(partition: 0, offset: 5, kind: "audit") != DecisionID.make(partition: 0, offset: 6, kind: "audit"))
        #expect(DecisionID.make(partition: 0, offset: 5, kind: "audit") != DecisionID.make(partition: 0, offset: 5, kind: "route"))
        let h = try mixedScenario()
        var r = Replay()
        r.run(h.log[...], decider: Decider(try DecisionFixtures.configuration()))
        var ids = Set<String>()
        for (offset, o) in r.outputs.enumerated() {
            for rec in o.routing + o.audit {
                let j = parse(rec.value)
                #expect(ids.insert(j["decision_id"] as! String).inserted, "decision ids are unique")
                #expect(rec.decisionID == j["decision_id"] as? String, "the record's decisionID (the Kafka header) is its decision_id")
            }
            for rec in o.routing { #expect(rec.key == parse(rec.value)["lead_id"] as? String) }
            #expect(o.audit.map(\.key) == [h.log[offset].key])
            #expect(
                o.audit.map { parse($0.value)["decision_id"] as? String } == [
                    DecisionID.make(partition: 0, offset: Int64(offset), kind: "audit").text
                ])
        }
    }

    @Test(
        "one audit record per event: an account change re-deciding 3 contacts lists the others in further_decisions, joined to their routing records"
    )
    func oneAuditRecordPerEvent() throws {
        let config = try DecisionFixtures.configuration(weights: [:], intercept: 0)  // score 50 → sales_develop (owner assigned)
        var h = DecisionHarness()
        try h.feed(.crm, accountUpsert("acc-f", domain: "fanout.io", owner: "owner_1", at: "2024-07-01T08:00:00Z"))
        for (i, name) in ["ann", "bob", "cy"].enumerated() {
            try h.feed(.crm, crmLead("F\(i)", at: "2024-07-01T09:0\(i):00Z", #""email":"\#(name)@fanout.io","country":"US""#))
        }
        let before = h.log.count
        try h.feed(.crm, accountUpsert("acc-f", domain: "fanout.io", owner: "owner_2", at: "2024-07-02T08:00:00Z"))
        #expect(h.log.count == before + 1)
        var r = Replay()
        r.run(h.log[...], decider: Decider(config))
        var contacts: [String] = []
        for name in ["ann", "bob", "cy"] {
            let lead = h.lead(email: "\(name)@fanout.io")
            contacts.append(try #require(lead).description)
        }
        contacts.sort()
        let out = try #require(r.outputs.last)
        #expect(out.audit.count == 1 && out.decisions == 3)
        #expect(out.routing.count == 3, "the owner change re-routes every contact")
        let record = named(parse(out.audit[0].value), names: r.featureNames)
        #expect(out.audit[0].key == h.log[before].key)
        #expect(record["decision_id"] as? String == DecisionID.make(partition: 0, offset: Int64(before), kind: "audit").text)
        #expect(record["schema_version"] as? Int == 3 && record["event_kind"] as? String == "account.upserted")
        let further = try #require(record["further_decisions"] as? [[String: Any]])
        // The account event names no lead: the first lead decided (lead-id order) is the primary, with the full vector.
        #expect(([record] + further).map { $0["lead_id"] as! String } == contacts)
        #expect((record["features"] as? [String: Any])?.isEmpty == false)
        #expect(
            further.allSatisfy { $0["features"] == nil && $0["owner_id"] as? String == "owner_2" && $0["change"] as? String == "owner" })
        // Every routing record of the event is named by exactly one of its decisions, in emission order.
        let routingIDs = out.routing.map { parse($0.value)["decision_id"] as! String }
        #expect(([record] + further).map { $0["routing_decision_id"] as? String } == routingIDs)
        #expect(out.routing.map { parse($0.value)["lead_id"] as! String } == contacts)
        // The state hash chains the decisions' own hashes; the previous decisions name the leads' last routing records before.
        #expect(
            Set(further.map { $0["state_hash"] as! String }).count == 2
                && !further.contains { $0["state_hash"] as? String == record["state_hash"] as? String })
        let lastRoutesBefore = contacts.compactMap { c in
            r.outputs[..<before].flatMap(\.routing).map { parse($0.value) }.last { $0["lead_id"] as? String == c }?["decision_id"]
                as? String
        }
        #expect(lastRoutesBefore.count == 3)
        #expect(
            Set(([record] + further).map { ($0["previous_decision"] as! [String: Any])["decision_id"] as! String }) == Set(lastRoutesBefore)
        )
        // An event that re-decides without a route change: routing_decision_id null, no routing record.
        var h2 = h
        try h2.feed(.crm, accountUpsert("acc-f", domain: "fanout.io", owner: "owner_2", employees: 12, at: "2024-07-03T08:00:00Z"))
        var r2 = Replay()
        r2.run(h2.log[...], decider: Decider(config))
        let quiet = try #require(r2.outputs.last)
        #expect(quiet.routing.isEmpty && quiet.audit.count == 1 && quiet.decisions == 3)
        let q = parse(quiet.audit[0].value)
        #expect(q["routing_decision_id"] is NSNull && q["route_changed"] as? Bool == false)
        #expect(
            (q["further_decisions"] as? [[String: Any]])?.allSatisfy {
                $0["routing_decision_id"] is NSNull && $0["route_changed"] as? Bool == false
            } == true)
        // Across the mixed scenario: every routing record joins exactly one decision of its own event's audit record.
        var m = Replay()
        m.run(try mixedScenario().log[...], decider: Decider(try DecisionFixtures.configuration()))
        for o in m.outputs {
            let a = parse(o.audit[0].value)
            let named = ([a] + (a["further_decisions"] as? [[String: Any]] ?? [])).compactMap { $0["routing_decision_id"] as? String }
            #expect(named.sorted() == o.routing.map { parse($0.value)["decision_id"] as! String }.sorted())
        }
    }

    @Test("gate: hysteresis — up only at enter, down only below exit")
    func hysteresis() {
        var c = GateConfiguration()
        c.salesReadyEnter = 70
        c.salesReadyExit = 55
        c.salesDevelopEnter = 40
        c.salesDevelopExit = 30
        let g = QualificationGate(c)
        let scores: [Double] = [50, 69, 70, 60, 56, 55, 54, 45, 39, 31, 29, 39, 40]
        var tier: Tier? = nil
        var seen: [Tier] = []
        for s in scores {
            tier = g.scoreTier(score: s, previous: tier)
            seen.append(tier!)
        }
        #expect(
            seen == [
                .salesDevelop, .salesDevelop, .salesReady, .salesReady, .salesReady, .salesReady, .salesDevelop,
                .salesDevelop, .salesDevelop, .salesDevelop, .nurture, .nurture, .salesDevelop,
            ])
        // Oscillating around the enter threshold does not flap.
        tier = .salesReady
        var changes = 0
        for s in [69.0, 71, 68, 72, 66, 70] {
            let t = g.scoreTier(score: s, previous: tier)
            if t != tier { changes += 1 }
            tier = t
        }
        #expect(changes == 0)
        // Disqualifier, unsubscribe policy and review.
        #expect(
            g.evaluate(score: 90, probability: 0.9, previousScoreTier: nil, disqualifier: .competitor, unsubscribed: false, highValue: true)
                .tier == .disqualified)
        #expect(
            g.evaluate(score: 50, probability: 0.5, previousScoreTier: nil, disqualifier: nil, unsubscribed: false, highValue: true).tier
                == .review)
        #expect(
            g.evaluate(score: 50, probability: 0.5, previousScoreTier: nil, disqualifier: nil, unsubscribed: false, highValue: false).tier
                == .salesDevelop)
        c.unsubscribePolicy = .nurture
        #expect(
            QualificationGate(c).evaluate(
                score: 90, probability: 0.9, previousScoreTier: nil, disqualifier: nil, unsubscribed: true, highValue: false
            ).tier == .nurture)
    }

    @Test("hysteresis in the pipeline: decaying engagement keeps sales_ready until the exit threshold")
    func hysteresisPipeline() throws {
        // score = sigmoid(-3 + 1.2·pricing): 4 fresh pricing views → 86; decays with a 14-day half-life.
        let config = try DecisionFixtures.configuration(weights: ["intent_pricing": 1.2])
        var h = DecisionHarness()
        try h.feed(.crm, crmLead("H1", at: "2024-04-01T09:00:00Z", #""email":"hal@hooli.com","country":"US""#))
        try h.feed(.web, identify(user: "h", email: "hal@hooli.com", at: "2024-04-01T09:01:00Z", id: "hi"))
        for i in 0..<4 { try h.feed(.web, pageView(user: "h", path: "/pricing", at: "2024-04-01T09:1\(i):00Z", id: "hp\(i)")) }
        // Later attribute updates re-decide the lead as time passes (days 5, 10, 16, 30).
        for (i, day) in ["04-06", "04-11", "04-17", "05-01"].enumerated() {
            try h.feed(.crm, crmLead("H1", at: "2024-\(day)T09:00:00Z", #""phone":"+1415555010\#(i)""#, type: "lead.updated"))
        }
        var r = Replay()
        r.run(h.log[...], decider: Decider(config))
        let audits = r.decisions
        let scores = audits.map { $0["score"] as! Int }
        let tiers = audits.map { $0["tier"] as! String }
        // Check every step against the gate applied to the previous score tier.
        let gate = QualificationGate(config.scoring.gate)
        var prev: Tier? = nil
        for (s, t) in zip(scores, tiers) {
            let expected = gate.scoreTier(score: Double(s), previous: prev)
            #expect(t == expected.name)
            prev = expected
        }
        #expect(tiers.contains("sales_ready"))
        let readyIdx = tiers.lastIndex(of: "sales_ready")!
        #expect(scores[readyIdx] < 70, "stayed sales_ready below the enter threshold (hysteresis)")
        #expect(tiers.last == "nurture" || tiers.last == "sales_develop")
        // Each tier change is a single route change; the SLA (4 h, no CRM activity) escalates the sales_ready route once.
        let routes = r.routing.map { "\($0["tier"]!)/\($0["change"]!)" }
        #expect(
            routes == [
                "nurture/new", "sales_develop/tier", "sales_ready/tier", "sales_ready/escalation", "sales_develop/tier", "nurture/tier",
            ])
    }

    @Test("weighted round-robin: deterministic 2:1 order, capacity caps respected, overflow when full")
    func roundRobin() throws {
        let config = try DecisionFixtures.configuration(weights: [:], intercept: 0)  // score 50 → sales_develop
        var h = DecisionHarness()
        for i in 0..<7 {
            try h.feed(.crm, crmLead("R\(i)", at: "2024-05-01T09:0\(i):00Z", #""email":"p\#(i)@co\#(i).com","country":"US""#))
        }
        var r = Replay()
        r.run(h.log[...], decider: Decider(config))
        // Final route per lead, in lead order (a lead's first events arrive before its country is known).
        func finalOwners(_ r: Replay) -> [String?] {
            var order: [String] = []
            var last: [String: [String: Any]] = [:]
            for rec in r.routing {
                let l = rec["lead_id"] as! String
                if last[l] == nil { order.append(l) }
                last[l] = rec
            }
            return order.map { last[$0]!["owner_id"] as? String }
        }
        let owners = finalOwners(r)
        #expect(owners == ["rep_a", "rep_b", "rep_a", "rep_a", "rep_b", "rep_b", nil])
        #expect(r.routing.last?["queue"] as? String == "unassigned")
        #expect(r.state.ownerLoad == ["rep_a": 3, "rep_b": 3])
        // Replaying gives the same assignment (state, not process counters).
        var again = Replay()
        again.run(h.log[...], decider: Decider(config))
        #expect(finalOwners(again) == owners)
        // Account owner first.
        var h2 = DecisionHarness()
        try h2.feed(.crm, accountUpsert("acc-x", domain: "xco.com", owner: "owner_x", at: "2024-05-01T08:00:00Z"))
        try h2.feed(.crm, crmLead("X1", at: "2024-05-01T09:00:00Z", #""email":"a@xco.com","country":"US""#))
        var r2 = Replay()
        r2.run(h2.log[...], decider: Decider(config))
        #expect(r2.routing.last?["owner_id"] as? String == "owner_x")
    }

    @Test("SLA: a sales_ready route without CRM activity escalates when event time passes the deadline")
    func slaEscalation() throws {
        let config = try DecisionFixtures.configuration(weights: [:], intercept: 2)  // score 88 → sales_ready
        var h = DecisionHarness()
        try h.feed(.crm, crmLead("S1", at: "2024-06-01T09:00:00Z", #""email":"s1@one.com","country":"US""#))
        try h.feed(.crm, crmLead("S2", at: "2024-06-01T09:30:00Z", #""email":"s2@two.com","country":"US""#))
        try h.feed(.crm, activity("S2", email: "s2@two.com", kind: "call", at: "2024-06-01T11:00:00Z"))
        try h.feed(.crm, crmLead("S3", at: "2024-06-01T12:59:00Z", #""email":"s3@three.com","country":"US""#))  // before S1's deadline
        let beforeDeadline = h.log.count
        try h.feed(.crm, crmLead("S4", at: "2024-06-01T14:00:00Z", #""email":"s4@four.com","country":"US""#))  // past 13:00 and 13:30
        var r = Replay()
        r.run(h.log[..<beforeDeadline], decider: Decider(config))
        #expect(!r.routing.contains { $0["change"] as? String == "escalation" }, "not before the deadline")
        #expect(r.state.runningTimers == 2)
        r.run(h.log[beforeDeadline...], decider: Decider(config), startOffset: Int64(beforeDeadline))
        let esc = r.routing.filter { $0["change"] as? String == "escalation" }
        let s1 = h.log.first { $0.lineage.externalID?.hasPrefix("S1") == true }!.leadID!.description
        #expect(esc.count == 1)
        #expect(esc.first?["lead_id"] as? String == s1)
        #expect(esc.first?["queue"] as? String == "ae-escalations")
        #expect(esc.first?["event_time"] as? String == "2024-06-01T14:00:00.000Z")
    }

    @Test("override pins the route until cleared; merge closes the absorbed lead's route")
    func overrideAndMerge() throws {
        let h = try mixedScenario()
        var r = Replay()
        r.run(h.log[...], decider: Decider(try DecisionFixtures.configuration()))
        var hh = h
        let l3ID = hh.lead(email: "cy@globex.de")
        let l3 = try #require(l3ID).description
        let l3Routes = r.routing.filter { $0["lead_id"] as? String == l3 }
        #expect(l3Routes.map { $0["change"] as! String } == ["new", "override", "override_cleared"])
        #expect(
            l3Routes[1]["queue"] as? String == "vip" && l3Routes[1]["owner_id"] as? String == "rep_vip"
                && l3Routes[1]["tier"] as? String == "sales_ready")
        #expect(l3Routes[2]["queue"] as? String != "vip")
        // L4 (dee@acme.io) became ann@acme.io: merged.
        let merged = r.routing.filter { $0["change"] as? String == "merged" }
        #expect(merged.count == 1)
        #expect(merged.first?["queue"] as? String == "closed")
        // Erasure closes L5's route and publishes no email.
        let erased = r.routing.filter { $0["change"] as? String == "erased" }
        #expect(erased.count == 1 && (erased.first?["emails"] as? [String])?.isEmpty == true)
        // L5 was a competitor; L2 hard-bounced.
        #expect(r.decisions.contains { $0["disqualifier"] as? String == "competitor" })
        #expect(r.decisions.contains { $0["disqualifier"] as? String == "hard_bounce" })
        // The merged-away and the erased lead are decisions of their events' audit records, joined to their routing records.
        for closed in merged + erased {
            let lead = closed["lead_id"] as! String
            let id = closed["decision_id"] as! String
            let named = r.decisions.filter { $0["routing_decision_id"] as? String == id }
            #expect(
                named.count == 1 && named.first?["lead_id"] as? String == lead && named.first?["queue"] as? String == "closed"
                    && named.first?["change"] as? String == closed["change"] as? String)
        }
        // The event about an account without contacts still has an audit record, lead_id null.
        let last = try #require(r.outputs.last?.audit.first)
        #expect(parse(last.value)["lead_id"] is NSNull)
    }

    @Test("explanations: base + Σ contributions = margin; account signals carry a graph path")
    func explanations() throws {
        let h = try mixedScenario()
        var r = Replay()
        r.run(h.log[...], decider: Decider(try DecisionFixtures.configuration()))
        var checked = 0
        for a in r.audit {
            guard let contributions = a["contributions"] as? [String: Double], let base = a["explanation_base"] as? Double,
                let margin = a["margin"] as? Double
            else { continue }
            let sum = contributions.keys.sorted().reduce(base) { $0 + contributions[$1]! }
            #expect(abs(sum - margin) <= 1e-6 * Double(contributions.count + 2))
            let p = a["probability"] as! Double
            #expect(abs(p - 1 / (1 + exp(-margin))) < 2e-6)
            let reasons = a["reasons"] as! [[String: Any]]
            let features = a["features"] as! [String: Any]
            for (i, reason) in reasons.enumerated() {
                let f = reason["feature"] as! String
                if reason["kind"] as? String == "gate" {
                    // The gate rule that set the tier: first, and only when the gate (not the score) set it.
                    #expect(i == 0 && f == reason["rule"] as? String)
                    #expect(a["disqualifier"] is String || a["tier"] as? String == "review" || a["tier"] as? String == "nurture", "\(a)")
                    continue
                }
                #expect(abs((reason["contribution"] as! Double) - (contributions[f] ?? 0)) < 1e-9)
                // A reason names a feature the lead has: never an absent one (value 0 or missing).
                #expect((features[f] as? Double).map { $0 != 0 } == true, "reason \(f) = \(features[f] ?? "null")")
            }
            if a["disqualifier"] is String, a["tier"] as? String == "disqualified" {
                #expect(reasons.first?["kind"] as? String == "gate", "a disqualified lead's first reason is the gate rule: \(reasons)")
            }
            // Only the nonzero contributions are written.
            #expect(contributions.values.allSatisfy { $0 != 0 })
            #expect(contributions.count < (a["features"] as! [String: Any]).count)
            checked += 1
        }
        #expect(checked > 10)
        let paths = r.audit.flatMap { ($0["reasons"] as? [[String: Any]]) ?? [] }.compactMap { $0["graph_path"] as? [[String: Any]] }
        #expect(!paths.isEmpty, "an account signal in the top reasons carries its graph path")
        #expect(paths.allSatisfy { ($0.first?["kind"] as? String) == "lead" && $0.count >= 2 })
    }

    @Test("every record validates against its schema (Python jsonschema); broken records do not")
    func schemas() throws {
        let h = try mixedScenario()
        var r = Replay()
        r.run(h.log[...], decider: Decider(try DecisionFixtures.configuration()))
        var pairs: [(String, [UInt8])] = []
        for o in r.outputs {
            for rec in o.audit { pairs.append(("audit", rec.value)) }
            for rec in o.routing { pairs.append(("routing", rec.value)) }
        }
        // The versions before the upgrades validate against their own schemas.
        var previous = try DecisionFixtures.configuration()
        previous.auditSchema = .v2
        previous.routingSchema = .v1
        var old = Replay()
        old.run(h.log[...], decider: Decider(previous))
        for o in old.outputs {
            for rec in o.audit { pairs.append(("audit.v2", rec.value)) }
            for rec in o.routing { pairs.append(("routing.v1", rec.value)) }
        }
        // Bad samples: mutate good ones.
        let goodRouting = try #require(r.outputs.flatMap(\.routing).first).value
        let reasoned = try #require(
            r.outputs.flatMap(\.routing).first { !((parse($0.value)["reasons"] as? [Any]) ?? []).isEmpty }
        ).value
        let goodAudit = try #require(r.outputs.flatMap(\.audit).first { parse($0.value)["lead_id"] is String }).value
        let goodFanOut = try #require(
            r.outputs.flatMap(\.audit).first { !((parse($0.value)["further_decisions"] as? [Any]) ?? []).isEmpty }
        ).value
        func mutate(_ bytes: [UInt8], _ f: (inout [String: Any]) -> Void) throws -> [UInt8] {
            var j = parse(bytes)
            f(&j)
            return Array(try JSONSerialization.data(withJSONObject: j))
        }
        let bad: [(String, [UInt8])] = [
            ("routing", try mutate(goodRouting) { $0["tier"] = "hot" }),
            ("routing", try mutate(goodRouting) { $0["score"] = 101 }),
            ("routing", try mutate(goodRouting) { $0["extra"] = 1 }),
            // Version 2: every reason has a kind of the audit vocabulary.
            (
                "routing",
                try mutate(reasoned) { j in j["reasons"] = (j["reasons"] as! [[String: Any]]).map { $0.filter { $0.key != "kind" } } }
            ),
            (
                "routing",
                try mutate(reasoned) { j in j["reasons"] = (j["reasons"] as! [[String: Any]]).map { $0.merging(["kind": "gate"]) { $1 } } }
            ),
            ("routing", try mutate(reasoned) { $0["schema_version"] = 1 }),
            ("routing", try mutate(goodRouting) { $0.removeValue(forKey: "lineage") }),
            ("audit", try mutate(goodAudit) { $0["state_hash"] = "XYZ" }),
            ("audit", try mutate(goodAudit) { $0["lead_id"] = NSNull() }),
            (
                "audit",
                try mutate(goodAudit) {
                    $0["route_changed"] = false
                    $0["change"] = "tier"
                }
            ),
            ("audit", try mutate(goodAudit) { $0["schema_version"] = 1 }),
            ("audit", try mutate(goodAudit) { $0.removeValue(forKey: "further_decisions") }),
            (
                "audit",
                try mutate(goodAudit) {
                    $0["route_changed"] = false
                    $0["change"] = NSNull()
                    $0["routing_decision_id"] = "dc_" + String(repeating: "a", count: 32)
                }
            ),
            (
                "audit",
                try mutate(goodFanOut) { j in
                    var items = j["further_decisions"] as! [[String: Any]]
                    items[0]["features"] = [String: Any]()
                    j["further_decisions"] = items
                }
            ),
            (
                "audit",
                try mutate(goodFanOut) { j in
                    var items = j["further_decisions"] as! [[String: Any]]
                    items[0].removeValue(forKey: "routing_decision_id")
                    j["further_decisions"] = items
                }
            ),
        ]
        let verdicts = try SchemaValidator.validate(pairs + bad)
        for (i, v) in verdicts.enumerated() {
            if i < pairs.count {
                #expect(v == nil, "record \(i) (\(pairs[i].0)) invalid: \(v ?? "") — \(String(decoding: pairs[i].1, as: UTF8.self))")
            } else {
                #expect(v != nil, "bad sample \(i - pairs.count) accepted")
            }
        }
        // Keys are sorted and the encoding is canonical.
        let keysSorted = try SchemaValidator.keysSorted(pairs.map(\.1))
        #expect(keysSorted)
    }

    @Test("invalid configuration fails at load with file, line and field")
    func configErrors() throws {
        let badRouting = DecisionFixtures.routingYAML.replacingOccurrences(
            of: "{id: rep_b, weight: 1, capacity: 3}", with: "{id: rep_b, weight: 0, capacity: 3}")
        do {
            _ = try RoutingRules.load(yaml: Data(badRouting.utf8), source: "routing.yaml")
            Issue.record("accepted weight 0")
        } catch let e as DecisionsError {
            #expect(e.file == "routing.yaml" && e.field == "territories[0].owners[1].weight" && e.line == 14 && e.column == 29, "\(e)")
        }
        let missingQueue = DecisionFixtures.routingYAML.replacingOccurrences(of: "  review: {queue: human-review}\n", with: "")
        #expect(throws: DecisionsError.self) { _ = try RoutingRules.load(yaml: Data(missingQueue.utf8), source: "r.yaml") }
        let badGate = DecisionFixtures.scoringYAML.replacingOccurrences(
            of: "sales_ready: {enter: 70, exit: 55}", with: "sales_ready: {enter: 70, exit: 75}")
        do {
            _ = try ScoringConfiguration.load(yaml: Data(badGate.utf8), source: "scoring.yaml")
            Issue.record("accepted exit > enter")
        } catch let e as DecisionsError {
            #expect(e.field == "gate.sales_ready.exit" && e.line != nil)
        }
        let unknown = DecisionFixtures.scoringYAML + "\nbogus: 1\n"
        #expect(throws: DecisionsError.self) { _ = try ScoringConfiguration.load(yaml: Data(unknown.utf8), source: "s.yaml") }
        // Every model feature must be in the catalogue; a model trained on an earlier,
        // smaller catalogue loads (the features it lacks get coefficient 0).
        let sc = try ScoringConfiguration.load(yaml: Data(DecisionFixtures.scoringYAML.utf8), source: "s")
        let catalogue = try sc.featureSchema().names
        let wrong = DecisionFixtures.modelArtifact(schema: try FeatureSchema(catalogue + ["not_in_the_catalogue"]))
        #expect(throws: DecisionsError.self) {
            _ = try DecisionConfiguration(
                scoringYAML: Data(DecisionFixtures.scoringYAML.utf8), scoringSource: "s", modelArtifact: wrong,
                modelSource: "m", routingYAML: Data(DecisionFixtures.routingYAML.utf8), routingSource: "r")
        }
        let older = DecisionFixtures.modelArtifact(schema: try FeatureSchema(Array(catalogue.dropLast())))
        let loaded = try DecisionConfiguration(
            scoringYAML: Data(DecisionFixtures.scoringYAML.utf8), scoringSource: "s", modelArtifact: older,
            modelSource: "m", routingYAML: Data(DecisionFixtures.routingYAML.utf8), routingSource: "r")
        #expect(loaded.ensemble.schema.names == catalogue)
        // Versions are content hashes.
        let c1 = try DecisionFixtures.configuration()
        let c2 = try DecisionFixtures.configuration(routing: DecisionFixtures.routingYAML + "\n")
        #expect(c1.modelVersion == c2.modelVersion && c1.rulesetVersion != c2.rulesetVersion && c1.rulesetVersion.count == 16)
    }

    @Test("DecisionConfiguration.load reads the scoring YAML, the artifact next to it and the routing YAML")
    func loadFromFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ll-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let sc = try ScoringConfiguration.load(yaml: Data(DecisionFixtures.scoringYAML.utf8), source: "s")
        try DecisionFixtures.modelArtifact(schema: try sc.featureSchema()).write(to: dir.appendingPathComponent("lr.json"))
        try DecisionFixtures.scoringYAML.write(to: dir.appendingPathComponent("scoring.yaml"), atomically: true, encoding: .utf8)
        try DecisionFixtures.routingYAML.write(to: dir.appendingPathComponent("routing.yaml"), atomically: true, encoding: .utf8)
        let loaded = try DecisionConfiguration.load(
            scoringConfig: dir.appendingPathComponent("scoring.yaml"),
            routingRules: dir.appendingPathComponent("routing.yaml"))
        let direct = try DecisionFixtures.configuration()
        #expect(loaded.modelVersion == direct.modelVersion && loaded.rulesetVersion == direct.rulesetVersion)
        // Same decisions from either.
        let h = try mixedScenario()
        var a = Replay()
        var b = Replay()
        a.run(h.log[...], decider: Decider(loaded))
        b.run(h.log[...], decider: Decider(direct))
        #expect(a.allBytes == b.allBytes)
        do {
            _ = try DecisionConfiguration.load(
                scoringConfig: dir.appendingPathComponent("missing.yaml"), routingRules: dir.appendingPathComponent("routing.yaml"))
            Issue.record("loaded a missing file")
        } catch let e as DecisionsError {
            #expect(e.file?.hasSuffix("missing.yaml") == true)
        }
    }

    @Test("feature catalogue: documented, decayed in event time")
    func catalogue() throws {
        let names = FeatureCatalogue.builtIn.map(\.name)
        #expect(names.count == FeatureCatalogue.Index.builtInCount)
        #expect(
            names[FeatureCatalogue.Index.hierarchy] == "hierarchy_activity" && names[FeatureCatalogue.Index.pricing] == "intent_pricing")
        #expect(FeatureCatalogue.builtIn.allSatisfy { !$0.meaning.isEmpty && !$0.source.isEmpty && !$0.unit.isEmpty })
        var a = LeadActivity()
        let day: Int64 = 86_400_000
        a.add(Engagement(action: .pageView, category: .pricing), at: 0, halfLifeMs: Double(14 * day))
        let later = a.at(14 * day, halfLifeMs: Double(14 * day))
        #expect(abs(later.pricing - 0.5) < 1e-12 && abs(later.engagement - 0.5) < 1e-12)
        // An out-of-order event adds its decayed weight without moving the reference time back.
        var b = LeadActivity()
        b.add(Engagement(action: .pageView, category: .demo), at: 14 * day, halfLifeMs: Double(14 * day))
        b.add(Engagement(action: .pageView, category: .demo), at: 0, halfLifeMs: Double(14 * day))
        #expect(abs(b.demo - 1.5) < 1e-12 && b.time == 14 * day)
        // The docs table lists every built-in feature.
        let docs = try String(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("docs/decisions.md"), encoding: .utf8)
        for n in names { #expect(docs.contains("`\(n)`"), "docs/decisions.md lacks \(n)") }
    }
}

/// Runs Python jsonschema (draft 2020-12) over records.
enum SchemaValidator {
    static let script = """
        import json, sys, jsonschema
        schemas = {n: json.load(open(sys.argv[1] + f"/leadledger.{n}.schema.json")) for n in ("routing", "routing.v1", "audit", "audit.v2")}
        v = {n: jsonschema.Draft202012Validator(s) for n, s in schemas.items()}
        out = []
        for line in open(sys.argv[2]):
            kind, _, rec = line.rstrip("\\n").partition("\\t")
            try:
                obj = json.loads(rec)
                errs = sorted(v[kind].iter_errors(obj), key=lambda e: list(e.path))
                out.append(None if not errs else errs[0].message[:200])
            except Exception as e:
                out.append(str(e))
        if len(sys.argv) > 3:
            ok = True
            def hook(pairs):
                global ok
                keys = [k for k, _ in pairs]
                if keys != sorted(keys, key=lambda k: k.encode()): ok = False
                return dict(pairs)
            for line in open(sys.argv[2]):
                json.loads(line.rstrip("\\n").partition("\\t")[2], object_pairs_hook=hook)
            out = ok
        print(json.dumps(out))
        """

    static func run(_ pairs: [(String, [UInt8])], keysOnly: Bool) throws -> Any {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ll-schema-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var text: [UInt8] = []
        for (k, v) in pairs { text += Array(k.utf8) + [0x09] + v.filter { $0 != 0x0A } + [0x0A] }
        try Data(text).write(to: dir.appendingPathComponent("records.tsv"))
        try script.write(to: dir.appendingPathComponent("v.py"), atomically: true, encoding: .utf8)
        let data = try Fixtures.runPython(
            [
                dir.appendingPathComponent("v.py").path, Fixtures.repositoryRoot.appendingPathComponent("schemas").path,
                dir.appendingPathComponent("records.tsv").path,
            ] + (keysOnly ? ["keys"] : []), what: "schema validator")
        return try JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed)
    }

    /// nil per valid record, else the first error.
    static func validate(_ pairs: [(String, [UInt8])]) throws -> [String?] {
        let arr = try run(pairs, keysOnly: false) as! [Any]
        return arr.map { $0 as? String }
    }

    static func keysSorted(_ records: [[UInt8]]) throws -> Bool {
        try run(records.map { ("audit", $0) }, keysOnly: true) as! Bool
    }
}

@Test("account features equal LeadLedgerCore's graph queries")
func accountFeaturesMatchCoreQueries() throws {
    let h = try mixedScenario()
    var r = Replay()
    let config = try DecisionFixtures.configuration()
    r.run(h.log[...], decider: Decider(config))
    var checked = 0
    for id in r.state.leads.sortedIDs() {
        guard let p = r.ledger.lead(id), !p.erased, let a = p.account.flatMap({ r.ledger.account($0) }) else { continue }
        let at = EventTime(milliseconds: r.state.watermark)
        let v = config.extractor.vector(lead: p, account: a, ledger: r.ledger, activity: LeadActivity(), at: at)
        let lo = EventTime(milliseconds: at.milliseconds - Int64(config.scoring.engagedWindowDays * 86_400_000))
        #expect(v["account_engaged_contacts"] == Double(r.ledger.engagedContacts(of: a.id, in: lo...at).filter { $0.lead != p.id }.count))
        #expect(v["buying_center_coverage"] == r.ledger.buyingCenterCoverage(of: a.id).fraction)
        checked += 1
    }
    #expect(checked >= 2)
}
