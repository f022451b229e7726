import Foundation
import LeadLedgerCore

/// Work the extractor derives from interned strings, memoized by string id for
/// one ``LeadLedgerCore/StringTable/lineage`` (the ledger being read): each
/// value's ``ValueClass``, a parsed number, and which values of a categorical
/// feature it matches. A lead's attributes and addresses are then read as ids
/// and classified with an array load, without making a `String`. Reading a
/// table of another lineage drops everything first, so an entry is only ever
/// used for the string it was computed from.
struct StringClassMemo: Sendable {
    /// The lineage the entries belong to (0: none; tokens start at 1).
    private var lineage: UInt64 = 0
    /// ``ValueClass/bits`` by string id; 0: not computed.
    private var classes: ContiguousArray<UInt32> = []
    /// Parsed numbers by string id (nil: the string is not a number).
    private var numbers: [UInt32: Double?] = [:]
    /// Matched-value masks by categorical feature index (high 32 bits) and string id.
    private var categories: [UInt64: UInt64] = [:]

    /// Entries of ``numbers`` or ``categories`` before that map is cleared: they
    /// grow with the distinct values of the attributes read, which a
    /// configuration keeps few, but a bound keeps a misconfigured one finite.
    static let capacity = 1 << 20

    /// The memoized class of `id` in a table of `lineage`, if any.
    func valueClass(_ id: UInt32, lineage: UInt64) -> ValueClass? {
        guard lineage == self.lineage, Int(id) < classes.count else { return nil }
        return ValueClass(bits: classes[Int(id)])
    }

    mutating func setValueClass(_ c: ValueClass, _ id: UInt32, lineage: UInt64) {
        adopt(lineage)
        let i = Int(id)
        if i >= classes.count { classes.append(contentsOf: repeatElement(0, count: i + 1 - classes.count)) }
        classes[i] = c.bits
    }

    /// The memoized number of `id` (`.some(nil)`: not a number), if any.
    func number(_ id: UInt32, lineage: UInt64) -> Double?? {
        guard lineage == self.lineage else { return nil }
        return numbers[id]
    }

    mutating func setNumber(_ n: Double?, _ id: UInt32, lineage: UInt64) {
        adopt(lineage)
        if numbers.count >= Self.capacity { numbers.removeAll(keepingCapacity: true) }
        numbers[id] = n
    }

    /// The memoized matched-value mask of categorical feature `feature` for `id`, if any.
    func categoryMask(_ feature: Int, _ id: UInt32, lineage: UInt64) -> UInt64? {
        guard lineage == self.lineage else { return nil }
        return categories[UInt64(feature) << 32 | UInt64(id)]
    }

    mutating func setCategoryMask(_ mask: UInt64, _ feature: Int, _ id: UInt32, lineage: UInt64) {
        adopt(lineage)
        if categories.count >= Self.capacity { categories.removeAll(keepingCapacity: true) }
        categories[UInt64(feature) << 32 | UInt64(id)] = mask
    }

    /// Starts over for a table of another lineage.
    private mutating func adopt(_ lineage: UInt64) {
        guard lineage != self.lineage else { return }
        self.lineage = lineage
        classes.removeAll(keepingCapacity: true)
        numbers.removeAll(keepingCapacity: true)
        categories.removeAll(keepingCapacity: true)
    }
}
