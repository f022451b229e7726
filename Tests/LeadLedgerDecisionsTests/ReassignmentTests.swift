import Foundation
import LeadLedgerCore
import Testing

@testable import LeadLedgerDecisions

@Suite("Reassignment at a rule-set switch")
struct ReassignmentTests {
    /// Rules with two US owners and a catch-all territory.
    static func rules(_ territories: String, accountOwnerFirst: Bool = false) throws -> RoutingRules {
        let yaml = """
            queues:
              sales_ready: {queue: ae-inbound}
              sales_develop: {queue: sdr-inbound}
              nurture: {queue: marketing-nurture}
              review: {queue: human-review}
              disqualified: {queue: disqualified}
            account_owner_first: \(accountOwnerFirst)
            overflow_queue: unassigned
            territories:
            \(territories)
            """
        return try RoutingRules.load(yaml: Data(yaml.utf8), source: "routing.yaml")
    }

    static func holding(_ lead: UInt64, _ owner: String, country: String? = "US", accountOwner: String? = nil)
        -> ReassignmentPolicy.Holding
    {
        ReassignmentPolicy.Holding(lead: LeadID(raw: lead), owner: owner, country: country, employees: nil, accountOwner: accountOwner)
    }

    @Test("policy: an owner in no territory, or outside the lead's territory, loses its leads; kept owners stay")
    func removedAndOutsideTerritory() throws {
        let rules = try Self.rules(
            """
              - name: us
                countries: [US]
                owners: [{id: rep_a}, {id: rep_c}]
              - name: de
                countries: [DE]
                owners: [{id: rep_d}]
            """)
        let holdings = [
            Self.holding(1, "rep_a"), Self.holding(2, "rep_b"), Self.holding(3, "rep_d"), Self.holding(4, "rep_a", country: "FR"),
        ]
        let moves = ReassignmentPolicy.moves(holdings, rules: rules, load: ["rep_a": 2, "rep_b": 1, "rep_d": 1])
        #expect(
            moves == [
                .init(lead: LeadID(raw: 2), owner: "rep_b", reason: .ownerRemoved),
                .init(lead: LeadID(raw: 3), owner: "rep_d", reason: .outsideTerritory("us")),
                .init(lead: LeadID(raw: 4), owner: "rep_a", reason: .outsideTerritory(nil)),
            ])
    }

    @Test("policy: an owner over its new capacity keeps its first leads in lead-id order, after the routes not checked")
    func overCapacity() throws {
        let rules = try Self.rules(
            """
              - name: us
                countries: [US]
                owners: [{id: rep_a, capacity: 2}, {id: rep_c}]
            """)
        let holdings = [Self.holding(5, "rep_a"), Self.holding(6, "rep_a"), Self.holding(7, "rep_a")]
        #expect(
            ReassignmentPolicy.moves(holdings, rules: rules, load: ["rep_a": 3])
                == [.init(lead: LeadID(raw: 7), owner: "rep_a", reason: .overCapacity(2))])
        // One more open route of rep_a that is not checked (an override's) counts first.
        #expect(
            ReassignmentPolicy.moves(holdings, rules: rules, load: ["rep_a": 4]).map(\.lead) == [LeadID(raw: 6), LeadID(raw: 7)])
        // Enough capacity: nothing moves.
        #expect(ReassignmentPolicy.moves(holdings, rules: rules, load: ["rep_a": 1]).isEmpty)
    }

    @Test("policy: with account_owner_first the account owner covers its leads, wherever it is listed")
    func accountOwnerFirst() throws {
        let rules = try Self.rules(
            """
              - name: us
                countries: [US]
                owners: [{id: rep_a}]
            """, accountOwnerFirst: true)
        let holdings = [
            Self.holding(1, "crm_owner", accountOwner: "crm_owner"), Self.holding(2, "rep_a", accountOwner: "crm_owner"),
            Self.holding(3, "rep_b"),
        ]
        #expect(
            ReassignmentPolicy.moves(holdings, rules: rules, load: ["crm_owner": 1, "rep_a": 1, "rep_b": 1]) == [
                .init(lead: LeadID(raw: 2), owner: "rep_a", reason: .notAccountOwner("crm_owner")),
                .init(lead: LeadID(raw: 3), owner: "rep_b", reason: .ownerRemoved),
            ])
    }

    /// Seven US leads at score 50 (sales_develop) under the fixture rules: rep_a and
    /// rep_b take three each (capacity 3), the seventh overflows.
    static func routedLog() throws -> (DecisionHarness, Replay, DecisionConfiguration) {
        let config = try DecisionFixtures.configuration(weights: [:], intercept: 0)
        var h = DecisionHarness()
        for i in 0..<7 {
            try h.feed(.crm, crmLead("R\(i)", at: "2024-05-01T09:0\(i):00Z", #""email":"p\#(i)@co\#(i).com","country":"US""#))
        }
        var r = Replay()
        r.run(h.log[...], decider: Decider(config))
        return (h, r, config)
    }

    /// The fixture routing rules with rep_b gone and rep_c added to the US territory.
    static let withoutRepB = DecisionFixtures.routingYAML.replacing(
        "- {id: rep_b, weight: 1, capacity: 3}", with: "- {id: rep_c, weight: 1, capacity: 5}")

    @Test("decider: a rule set without rep_b reassigns rep_b's open leads to rep_c, with reasons, deterministically")
    func deciderReassignsRemovedOwner() throws {
        let (h, r, _) = try Self.routedLog()
        #expect(r.state.ownerLoad == ["rep_a": 3, "rep_b": 3])
        let pilot = Decider(try DecisionFixtures.configuration(routing: Self.withoutRepB, weights: [:], intercept: 0))
        let offset = Int64(h.log.count)
        let source = SourcePosition(topic: "leadledger.events", partition: 0, offset: offset)
        var state = r.state
        let out = pilot.reassignOwners(
            after: "ruleset.promote", ledger: r.ledger, logPartition: 0, logOffset: offset, key: "control", source: source,
            state: &state)
        let routed = try out.routing.map { try RoutingRecordView($0.value) }
        #expect(routed.count == 3)
        #expect(routed.allSatisfy { $0.change == .reassigned && $0.ownerID == "rep_c" && $0.queue == "sdr-inbound" })
        #expect(routed.allSatisfy { $0.tier == "sales_develop" && $0.rulesetVersion == pilot.configuration.rulesetVersion })
        #expect(routed.allSatisfy { $0.lineage.logOffset == offset && $0.eventTime == "2024-05-01T09:06:00.000Z" })
        let reason = try #require(routed.first?.reasons.first)
        #expect(reason.kind == .reassignment && reason.feature == "owner_removed" && reason.value == .string("rep_b"))
        #expect(reason.text.contains("rep_b is in no territory of rule set \(pilot.configuration.rulesetVersion)"))
        #expect(state.ownerLoad == ["rep_a": 3, "rep_c": 3])
        // One audit record for the switch, naming every reassignment.
        let audit = try AuditRecordView(try #require(out.audit.first).value)
        #expect(out.audit.count == 1 && audit.eventKind == "ruleset.promote")
        #expect(([audit.decision].compactMap { $0 } + audit.further).map(\.leadID) == routed.map(\.leadID))
        // The same state and rules give the same bytes; the state survives a snapshot.
        var again = try DecisionState(snapshot: r.state.snapshotBytes())
        let repeated = pilot.reassignOwners(
            after: "ruleset.promote", ledger: r.ledger, logPartition: 0, logOffset: offset, key: "control", source: source,
            state: &again)
        #expect(repeated == out)
        #expect(again.snapshotBytes() == state.snapshotBytes())
        // A second pass under the same rules moves nothing.
        let none = pilot.reassignOwners(
            after: "ruleset.promote", ledger: r.ledger, logPartition: 0, logOffset: offset + 1, key: "control", source: source,
            state: &state)
        #expect(none.routing.isEmpty && none.audit.isEmpty)
    }

    @Test("reassigned routing and audit records validate against their schemas (Python jsonschema), keys sorted")
    func recordsValidate() throws {
        let (h, r, _) = try Self.routedLog()
        let pilot = Decider(try DecisionFixtures.configuration(routing: Self.withoutRepB, weights: [:], intercept: 0))
        var state = r.state
        let offset = Int64(h.log.count)
        let out = pilot.reassignOwners(
            after: "ruleset.rollback", ledger: r.ledger, logPartition: 0, logOffset: offset, key: "control",
            source: SourcePosition(topic: "leadledger.events", partition: 0, offset: offset), state: &state)
        let pairs = out.routing.map { ("routing", $0.value) } + out.audit.map { ("audit", $0.value) }
        #expect(pairs.count == 4)
        #expect(try SchemaValidator.validate(pairs) == pairs.map { _ in nil })
        #expect(try SchemaValidator.keysSorted(out.audit.map(\.value) + out.routing.map(\.value)))
    }

    @Test("decider: the next event of a reassigned lead keeps its new owner")
    func reassignedOwnerSticks() throws {
        let (h, r, _) = try Self.routedLog()
        let pilot = Decider(try DecisionFixtures.configuration(routing: Self.withoutRepB, weights: [:], intercept: 0))
        var replay = r
        let offset = Int64(h.log.count)
        let out = pilot.reassignOwners(
            after: "ruleset.promote", ledger: replay.ledger, logPartition: 0, logOffset: offset, key: "control",
            source: SourcePosition(topic: "leadledger.events", partition: 0, offset: offset), state: &replay.state)
        let moved = try #require(try out.routing.first.map { try RoutingRecordView($0.value) })
        var harness = h
        let person = try #require((0..<7).first { harness.lead(email: "p\($0)@co\($0).com")?.description == moved.leadID })
        try harness.feed(.crm, activity("R\(person)", email: "p\(person)@co\(person).com", kind: "note", at: "2024-05-01T10:00:00Z"))
        replay.run(harness.log[h.log.count...], decider: pilot, startOffset: offset + 1)
        let later = try #require(replay.outputs.last?.audit.first)
        let view = try AuditRecordView(later.value)
        #expect(view.decision?.leadID == moved.leadID)
        #expect(view.decision?.ownerID == "rep_c")
    }

    @Test("a rule set that changes queue names only moves no lead")
    func queueRenameMovesNothing() throws {
        let (h, r, _) = try Self.routedLog()
        let renamed = DecisionFixtures.routingYAML.replacing("queue: sdr-inbound", with: "queue: sdr-pilot")
        let pilot = Decider(try DecisionFixtures.configuration(routing: renamed, weights: [:], intercept: 0))
        var state = r.state
        let out = pilot.reassignOwners(
            after: "ruleset.promote", ledger: r.ledger, logPartition: 0, logOffset: Int64(h.log.count), key: "control",
            source: SourcePosition(topic: "leadledger.events", partition: 0, offset: Int64(h.log.count)), state: &state)
        #expect(out == DecisionOutput())
        #expect(state == r.state)
    }
}
