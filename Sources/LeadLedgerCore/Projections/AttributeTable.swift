/// The leads' attribute values: for each lead only the attributes it has, in
/// name order, in one pool of entries, and a block reference per lead.
///
/// A lead's row used to hold a slot for every ``AttributeName`` (16 × 16
/// bytes), although a CRM lead carries about half of them. A block here holds
/// what the lead has, sized when its attributes arrive (``reserve(lead:names:)``),
/// and a block a lead outgrows is kept on a free list for the next lead that
/// needs that many.
///
/// Equality compares each lead's attributes, not where the pool keeps them: a
/// ledger restored from a snapshot takes its blocks in lead order.
struct AttributeTable: Sendable {
    /// One attribute of one lead.
    private struct Entry: Sendable, Equatable {
        var time: Int64
        var value: UInt32
        /// ``AttributeName/index``.
        var name: UInt8
        var source: UInt8
    }

    /// Per lead: where its block starts in ``entries``.
    private var starts: ContiguousArray<UInt32> = []
    /// Per lead: entries used, from the block's start.
    private var counts: ContiguousArray<UInt8> = []
    /// Per lead: the block's size (0: none).
    private var capacities: ContiguousArray<UInt8> = []
    private var entries: ContiguousArray<Entry> = []
    /// Blocks no lead uses, by size.
    private var free: [ContiguousArray<UInt32>] = Array(repeating: [], count: Ledger.attrCount + 1)

    init() {}

    /// Makes room for `n` leads of about `perLead` attributes each.
    mutating func reserveCapacity(leads n: Int, perLead: Int) {
        starts.reserveCapacity(n)
        counts.reserveCapacity(n)
        capacities.reserveCapacity(n)
        entries.reserveCapacity(n * perLead)
    }

    /// Adds a lead without attributes (the next lead index).
    mutating func appendLead() {
        starts.append(0)
        counts.append(0)
        capacities.append(0)
    }

    /// Adds a lead (the next lead index) with a block for `n` attributes, which
    /// ``appendToLastLead(index:_:)`` then fills in ascending index order: a
    /// snapshot read, without a search per attribute.
    mutating func appendLead(capacity n: Int) {
        appendLead()
        if n > 0 { move(lead: starts.count - 1, toCapacity: min(n, Ledger.attrCount)) }
    }

    /// Appends attribute `k` to the last lead's block, which has room for it;
    /// `k` is above every index the lead has.
    mutating func appendToLastLead(index k: Int, _ slot: Ledger.AttrSlot) {
        let li = starts.count - 1
        precondition(counts[li] < capacities[li] && (counts[li] == 0 || Int(entries[Int(starts[li]) + Int(counts[li]) - 1].name) < k))
        entries[Int(starts[li]) + Int(counts[li])] = Entry(time: slot.time, value: slot.value, name: UInt8(k), source: slot.source)
        counts[li] += 1
    }

    /// Makes room in lead `li`'s block for those of `names` (``AttributeName/index``
    /// values) it does not have yet, so that setting them moves the block at most once.
    mutating func reserve(lead li: Int, names: some Sequence<Int>) {
        var needed = Int(counts[li])
        for k in names where !find(lead: li, index: k).found { needed += 1 }
        needed = min(Ledger.attrCount, needed)
        if needed > Int(capacities[li]) { move(lead: li, toCapacity: needed) }
    }

    /// The attribute with ``AttributeName/index`` `k` of lead `li` (an empty slot when
    /// it has none). Setting an empty slot removes the attribute.
    subscript(lead li: Int, index k: Int) -> Ledger.AttrSlot {
        get {
            let (position, found) = find(lead: li, index: k)
            guard found else { return Ledger.AttrSlot() }
            let e = entries[position]
            return Ledger.AttrSlot(value: e.value, source: e.source, time: e.time)
        }
        set {
            var (position, found) = find(lead: li, index: k)
            let start = Int(starts[li])
            let end = start + Int(counts[li])
            if newValue.value == StringTable.none {
                guard found else { return }
                for j in position..<(end - 1) { entries[j] = entries[j + 1] }
                counts[li] -= 1
                return
            }
            let e = Entry(time: newValue.time, value: newValue.value, name: UInt8(k), source: newValue.source)
            if found {
                entries[position] = e
                return
            }
            if Int(counts[li]) == Int(capacities[li]) {
                move(lead: li, toCapacity: min(Ledger.attrCount, Int(counts[li]) + 2))
                position += Int(starts[li]) - start
            }
            let newEnd = Int(starts[li]) + Int(counts[li])
            var j = newEnd
            while j > position {
                entries[j] = entries[j - 1]
                j -= 1
            }
            entries[position] = e
            counts[li] += 1
        }
    }

    /// The attribute `name` of lead `li`.
    subscript(lead li: Int, name name: AttributeName) -> Ledger.AttrSlot {
        get { self[lead: li, index: name.index] }
        set { self[lead: li, index: name.index] = newValue }
    }

    /// Calls `body` with each attribute of lead `li`, in ``AttributeName/index`` order.
    func forEach(lead li: Int, _ body: (_ index: Int, Ledger.AttrSlot) -> Void) {
        let start = Int(starts[li])
        for j in start..<(start + Int(counts[li])) {
            let e = entries[j]
            body(Int(e.name), Ledger.AttrSlot(value: e.value, source: e.source, time: e.time))
        }
    }

    /// Where attribute `k` of lead `li` is, or where it would go (keeping name order).
    private func find(lead li: Int, index k: Int) -> (position: Int, found: Bool) {
        let start = Int(starts[li])
        let end = start + Int(counts[li])
        var j = start
        while j < end {
            let name = Int(entries[j].name)
            if name >= k { return (j, name == k) }
            j += 1
        }
        return (end, false)
    }

    /// Moves lead `li`'s entries to a block of `capacity` (a free one of that size, else a new one at the end).
    private mutating func move(lead li: Int, toCapacity capacity: Int) {
        let start: Int
        if let reused = free[capacity].popLast() {
            start = Int(reused)
        } else {
            start = entries.count
            entries.append(contentsOf: repeatElement(Entry(time: .min, value: StringTable.none, name: 0, source: 0), count: capacity))
        }
        let old = Int(starts[li])
        let oldCapacity = Int(capacities[li])
        for j in 0..<Int(counts[li]) { entries[start + j] = entries[old + j] }
        if oldCapacity > 0 { free[oldCapacity].append(UInt32(old)) }
        starts[li] = UInt32(start)
        capacities[li] = UInt8(capacity)
    }
}

extension AttributeTable: Equatable {
    /// Equal when every lead has the same attributes.
    static func == (a: Self, b: Self) -> Bool {
        guard a.counts == b.counts else { return false }
        for li in a.counts.indices {
            let sa = Int(a.starts[li])
            let sb = Int(b.starts[li])
            for j in 0..<Int(a.counts[li]) where a.entries[sa + j] != b.entries[sb + j] { return false }
        }
        return true
    }
}
