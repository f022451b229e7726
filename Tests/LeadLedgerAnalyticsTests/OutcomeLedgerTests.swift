import LeadLedgerCore
import Testing

@testable import LeadLedgerAnalytics

struct OutcomeLedgerTests {
    static let a = LeadID(raw: 0xA)
    static let b = LeadID(raw: 0xB)

    static func event(_ seconds: Int64, lead: LeadID?, _ payload: CanonicalPayload, offset: Int64) -> CanonicalEvent {
        CanonicalEvent(
            eventTime: at(seconds), leadID: lead, accountID: nil,
            lineage: Lineage(
                position: SourcePosition(topic: "crm.events", partition: 0, offset: offset), seq: 0, externalID: nil, system: .crm),
            payload: payload)
    }

    static func won(_ id: String, amount: Double?, contacts: [LeadID]) -> CanonicalPayload {
        var facts = OpportunityFacts(opportunityID: id)
        facts.isWon = true
        facts.amount = amount
        facts.contacts = contacts
        return .opportunity(facts)
    }

    @Test func joinsOutcomesWinsAndOverrides() {
        var ledger = OutcomeLedger()
        ledger.apply(Self.event(50, lead: Self.a, .overrideCleared, offset: 0))
        ledger.apply(Self.event(40, lead: Self.a, .erasure, offset: 1))
        ledger.apply(Self.event(100, lead: Self.a, .outcome(kind: .disqualified, reason: nil, opportunityID: nil), offset: 2))
        // A later outcome does not replace the first.
        ledger.apply(Self.event(200, lead: Self.a, .outcome(kind: .converted, reason: nil, opportunityID: nil), offset: 3))
        // Split between the two contacts, once per opportunity.
        ledger.apply(Self.event(300, lead: nil, Self.won("op1", amount: 300, contacts: [Self.a, Self.b]), offset: 4))
        ledger.apply(Self.event(310, lead: nil, Self.won("op1", amount: 300, contacts: [Self.a, Self.b]), offset: 5))
        ledger.apply(Self.event(320, lead: Self.b, .overrideSet(CRMOverrideFields()), offset: 6))
        let a = Self.a.description
        let b = Self.b.description
        #expect(ledger.firstSeen[a] == at(40))
        #expect(ledger.outcomes[a] == .init(kind: .disqualified, time: at(100)))
        #expect(ledger.outcomeTime(a) == at(100))
        #expect(ledger.revenue(a) == 150)
        #expect(ledger.revenue(b) == 150)
        // A won opportunity makes a contact converted, even after a disqualification.
        #expect(ledger.converted(a))
        #expect(ledger.converted(b))
        #expect(ledger.outcomeTime(b) == at(300))
        #expect(ledger.overrides[b] == [at(320)])
        #expect(ledger.overrides[a] == nil)
    }

    @Test func openOpportunityIsNoWin() {
        var ledger = OutcomeLedger()
        var facts = OpportunityFacts(opportunityID: "op2")
        facts.amount = 500
        facts.contacts = [Self.a]
        ledger.apply(Self.event(10, lead: nil, .opportunity(facts), offset: 0))
        #expect(!ledger.hasOutcome(Self.a.description))
        #expect(ledger.revenue(Self.a.description) == 0)
    }
}

struct OutcomeOrderTests {
    @Test func firstOutcomeDoesNotDependOnTheOrderApplied() {
        var one = OutcomeLedger()
        one.record(.init(kind: .disqualified, time: at(5)), for: "A")
        one.record(.init(kind: .converted, time: at(5)), for: "A")
        one.record(.init(kind: .converted, time: at(9)), for: "A")
        var other = OutcomeLedger()
        other.record(.init(kind: .converted, time: at(9)), for: "A")
        other.record(.init(kind: .converted, time: at(5)), for: "A")
        other.record(.init(kind: .disqualified, time: at(5)), for: "A")
        #expect(one.outcomes["A"] == .init(kind: .converted, time: at(5)))
        #expect(one == other)
    }
}
