import Testing

@testable import LeadLedgerCore

@Suite("AttributeTable (each lead's attributes in a pooled block)")
struct AttributeTableTests {
    typealias Slot = Ledger.AttrSlot

    /// Random sets, overwrites and removals over 200 leads, with and without a
    /// reservation first, checked after every step against a plain map.
    @Test("reads back what was set, in name order, through block moves, reservations and removals")
    func matchesAMap() {
        var rng = SplitMix64(seed: 7)
        var table = AttributeTable()
        var model: [[Int: Slot]] = []
        for _ in 0..<200 {
            table.appendLead()
            model.append([:])
        }
        for step in 0..<20_000 {
            let li = Int(rng.next() % 200)
            let k = Int(rng.next() % UInt64(Ledger.attrCount))
            switch rng.next() % 10 {
            case 0, 1:
                table[lead: li, index: k] = Slot()
                model[li][k] = nil
            case 2:
                let names = (0..<3).map { _ in Int(rng.next() % UInt64(Ledger.attrCount)) }
                table.reserve(lead: li, names: names)
            default:
                let slot = Slot(value: UInt32(step), source: UInt8(1 + rng.next() % 3), time: Int64(step) * 1000)
                table[lead: li, index: k] = slot
                model[li][k] = slot
            }
            #expect(table[lead: li, index: k] == (model[li][k] ?? Slot()))
        }
        for li in 0..<200 {
            var seen: [(Int, Slot)] = []
            table.forEach(lead: li) { seen.append(($0, $1)) }
            #expect(seen.map(\.0) == model[li].keys.sorted())
            #expect(seen.map(\.1) == model[li].keys.sorted().map { model[li][$0]! })
            for k in 0..<Ledger.attrCount { #expect(table[lead: li, index: k] == (model[li][k] ?? Slot())) }
        }
    }

    @Test("equality follows each lead's attributes, not where the pool keeps them; a difference in one value, source or time is seen")
    func equalityIgnoresLayout() {
        var a = AttributeTable()
        var b = AttributeTable()
        for _ in 0..<3 {
            a.appendLead()
            b.appendLead()
        }
        // Lead 0 grows one attribute at a time in a (block moves), all at once in b; lead 2 first in b.
        b.reserve(lead: 2, names: [1, 2])
        b[lead: 2, index: 1] = Slot(value: 9, source: 1, time: 5)
        b[lead: 2, index: 2] = Slot(value: 10, source: 1, time: 5)
        b.reserve(lead: 0, names: Array(0..<Ledger.attrCount))
        for k in 0..<Ledger.attrCount {
            a[lead: 0, index: k] = Slot(value: UInt32(k), source: 2, time: 1)
            b[lead: 0, index: Ledger.attrCount - 1 - k] = Slot(value: UInt32(Ledger.attrCount - 1 - k), source: 2, time: 1)
        }
        a[lead: 2, index: 2] = Slot(value: 10, source: 1, time: 5)
        a[lead: 2, index: 1] = Slot(value: 9, source: 1, time: 5)
        #expect(a == b)
        var c = b
        c[lead: 2, index: 2] = Slot(value: 10, source: 1, time: 6)
        #expect(c != a)
        c = b
        c[lead: 0, index: 3] = Slot(value: 3, source: 3, time: 1)
        #expect(c != a)
        c = b
        c[lead: 1, index: 0] = Slot(value: 0, source: 1, time: 1)
        #expect(c != a)
        // Removing everything of lead 0 in both gives equal tables again.
        for k in 0..<Ledger.attrCount {
            a[lead: 0, index: k] = Slot()
            b[lead: 0, index: k] = Slot()
        }
        #expect(a == b)
    }
}
