/// An open-addressing hash map from ``LeadID`` to a dense lead index.
///
/// Lead ids are already uniformly distributed 64-bit hashes, so the slot is
/// a Fibonacci multiply-shift of the id: no seeded `Hasher`, and key and
/// value share one 12-byte entry, so a lookup usually touches one cache line
/// (Swift's `Dictionary` keeps keys, values and occupancy in three arrays).
/// Linear probing; the table doubles above 70% load. It is never iterated
/// into an output.
package struct LeadIndexMap: Sendable, Equatable {
    struct Entry: Sendable, Equatable {
        var lo: UInt32
        var hi: UInt32
        var value: UInt32  // .max = empty
        static let empty = Entry(lo: 0, hi: 0, value: .max)
    }

    private(set) var entries: ContiguousArray<Entry> = ContiguousArray(repeating: .empty, count: 16)
    package private(set) var count = 0
    private var shift: UInt64 = 60  // 64 - log2(capacity)

    package init() {}

    /// Equal when both hold the same key → value pairs (capacity and layout do not matter).
    package static func == (a: Self, b: Self) -> Bool {
        guard a.count == b.count else { return false }
        for e in a.entries where e.value != .max {
            if b[LeadID(raw: UInt64(e.hi) << 32 | UInt64(e.lo))] != e.value { return false }
        }
        return true
    }

    package mutating func reserveCapacity(_ n: Int) {
        var cap = entries.count
        while n * 10 > cap * 7 { cap *= 2 }
        if cap > entries.count { rehash(to: cap) }
    }

    @inline(__always) private func slot(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    package subscript(_ id: LeadID) -> UInt32? {
        get {
            let lo = UInt32(truncatingIfNeeded: id.raw)
            let hi = UInt32(truncatingIfNeeded: id.raw >> 32)
            let mask = entries.count - 1
            var i = slot(id.raw)
            while true {
                let e = entries[i]
                if e.value == .max { return nil }
                if e.lo == lo && e.hi == hi { return e.value }
                i = (i + 1) & mask
            }
        }
        set {
            precondition(newValue != nil && newValue != .max, "LeadIndexMap supports insert/update only")
            if (count + 1) * 10 > entries.count * 7 { rehash(to: entries.count * 2) }
            insert(id.raw, newValue!)
        }
    }

    private mutating func insert(_ key: UInt64, _ value: UInt32) {
        let lo = UInt32(truncatingIfNeeded: key)
        let hi = UInt32(truncatingIfNeeded: key >> 32)
        let mask = entries.count - 1
        var i = slot(key)
        while true {
            let e = entries[i]
            if e.value == .max {
                entries[i] = Entry(lo: lo, hi: hi, value: value)
                count += 1
                return
            }
            if e.lo == lo && e.hi == hi {
                entries[i].value = value
                return
            }
            i = (i + 1) & mask
        }
    }

    private mutating func rehash(to capacity: Int) {
        let old = entries
        entries = ContiguousArray(repeating: .empty, count: capacity)
        shift = UInt64(64 - capacity.trailingZeroBitCount)
        count = 0
        for e in old where e.value != .max { insert(UInt64(e.hi) << 32 | UInt64(e.lo), e.value) }
    }
}
