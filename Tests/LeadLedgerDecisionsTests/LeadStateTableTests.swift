import LeadLedgerCore
import Testing

@testable import LeadLedgerDecisions

@Suite("LeadStateTable (per-lead decision state in one flat table)")
struct LeadStateTableTests {
    static func state(_ n: Int) -> LeadState {
        var s = LeadState()
        s.activity.time = Int64(n)
        s.activity.engagement = Double(n) / 7
        return s
    }

    @Test("a state set for a lead reads back; a lead never set has none; sortedIDs lists every lead once, in id order")
    func readBack() {
        var rng = SplitMix64(seed: 17)
        var table = LeadStateTable()
        var expected: [LeadID: LeadState] = [:]
        for n in 0..<20_000 {
            let id = LeadID(raw: rng.next() % 50_000)  // repeats: updates
            table[id] = Self.state(n)
            expected[id] = Self.state(n)
        }
        #expect(table.count == expected.count)
        for (id, s) in expected { #expect(table[id] == s) }
        #expect(table.sortedIDs() == expected.keys.sorted())
        #expect(table[LeadID(raw: 50_001)] == nil)
    }

    @Test("a slot stays the lead's while other leads are inserted, and writes through it are the lead's state")
    func stableSlots() {
        var table = LeadStateTable()
        let first = LeadID(raw: 42)
        let slot = table.slot(inserting: first)
        for raw in UInt64(100)..<UInt64(10_100) { table[inserting: LeadID(raw: raw)].activity.time = Int64(raw) }
        table[slot: slot].activity.pricing = 3
        #expect(table.slot(of: first) == slot && table[first]?.activity.pricing == 3)
        #expect(table[LeadID(raw: 5_000)]?.activity.time == 5_000)
    }

    @Test("equal when the same leads have the same states, whatever order they were inserted in")
    func equality() {
        var a = LeadStateTable()
        var b = LeadStateTable()
        for raw in UInt64(1)...UInt64(300) { a[LeadID(raw: raw)] = Self.state(Int(raw)) }
        for raw in (UInt64(1)...UInt64(300)).reversed() { b[LeadID(raw: raw)] = Self.state(Int(raw)) }
        #expect(a == b)
        b[LeadID(raw: 7)] = Self.state(8)
        #expect(a != b)
        var c = a
        c[LeadID(raw: 301)] = LeadState()
        #expect(a != c)
    }
}
