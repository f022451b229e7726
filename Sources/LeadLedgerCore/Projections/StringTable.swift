import Synchronization

/// Interned strings: each distinct string is stored once and referred to by a
/// 32-bit id, so projections hold small integers instead of strings.
/// Ids are assigned in first-seen order, so the same event sequence gives
/// the same table (and equal states).
///
/// The strings live in one byte arena, back to back, with an end offset per id
/// and an open-addressing index of ids: a distinct string costs its UTF-8 bytes
/// plus about 16 bytes. A `[String: UInt32]` dictionary beside an array of
/// `String`s cost a heap object per string longer than 15 bytes (email
/// addresses, CRM record ids) and two hash-table buckets, several times the
/// bytes of the text itself at a million leads. Reading an id makes a `String`
/// from the arena's bytes (no allocation up to 15 bytes of UTF-8).
///
/// A reader that derives something from a string (a classification, a parsed
/// number) can memoize it per id under the table's ``lineage``: every table with
/// the same lineage maps each id it holds to the same string.
package struct StringTable: Sendable {
    /// "No string".
    package static let none: UInt32 = .max

    /// Every string's UTF-8 bytes, in id order.
    private var arena: ContiguousArray<UInt8> = []
    /// Where string `i` ends in ``arena`` (it starts where string `i − 1` ends).
    private var ends: ContiguousArray<UInt32> = []
    /// Each string's hash: probes compare it before the bytes, and growing the
    /// index reads no bytes.
    private var hashes: ContiguousArray<UInt32> = []
    /// The index: `id + 1` per slot, 0 when empty; a power of two in size, at
    /// most 3/4 full; linear probing.
    private var slots: ContiguousArray<UInt32> = ContiguousArray(repeating: 0, count: 16)

    /// The token behind ``lineage``. A copy of the table shares it until one of
    /// the two adds a string while the other still holds it: the one adding then
    /// takes a new token. Tokens come from a process-wide counter and are never reused.
    private var lineageToken = Lineage()

    /// Creates an empty table.
    package init() {}

    /// Names this table's id-to-string mapping: two tables with the same lineage
    /// give the same string for every id both hold (one may hold more ids). A table
    /// read from a snapshot, or one that grew apart from a copy, has a new lineage.
    /// Not part of equality or of a snapshot.
    package var lineage: UInt64 { lineageToken.value }

    /// Number of strings.
    package var count: Int { ends.count }

    /// The id of `s`, adding it if new.
    package mutating func intern(_ s: String) -> UInt32 {
        var s = s
        return s.withUTF8 { intern(utf8: $0) }
    }

    /// The id of `s` if interned.
    package func lookup(_ s: String) -> UInt32? {
        var s = s
        return s.withUTF8 { find($0, hash: Self.hash($0)).id }
    }

    /// The string of `id` (nil for ``none``).
    package subscript(_ id: UInt32) -> String? {
        guard id != Self.none else { return nil }
        let (start, end) = bounds(Int(id))
        return arena.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[start..<end]), as: UTF8.self) }
    }

    // MARK: Snapshot

    /// Writes the strings in id order: a count, then each string (length and
    /// UTF-8 bytes), as ``SnapshotWriter/strings(_:)`` writes an array.
    package func write(to w: inout SnapshotWriter) {
        w.varint(count)
        arena.withUnsafeBufferPointer { bytes in
            var start = 0
            for end in ends {
                w.lengthPrefixed(UnsafeBufferPointer(rebasing: bytes[start..<Int(end)]))
                start = Int(end)
            }
        }
    }

    /// Reads what ``write(to:)`` wrote; a string that is not UTF-8 or that
    /// repeats an earlier one is refused.
    package init(reading r: inout SnapshotReader) throws(SnapshotError) {
        self.init()
        let n = try r.count("string count")
        ends.reserveCapacity(n)
        hashes.reserveCapacity(n)
        reserveIndex(n)
        for i in 0..<n {
            let s = try r.string("string")
            guard intern(s) == UInt32(i) else { throw r.fail("string", "duplicate interned string") }
        }
    }

    // MARK: Internals

    private func bounds(_ i: Int) -> (start: Int, end: Int) {
        (i == 0 ? 0 : Int(ends[i - 1]), Int(ends[i]))
    }

    private static func hash(_ u: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var h = Hasher()
        h.combine(bytes: UnsafeRawBufferPointer(u))
        return UInt32(truncatingIfNeeded: h.finalize())
    }

    /// The slot that holds `u` (and its id) or, when absent, the empty slot where it would go.
    private func find(_ u: UnsafeBufferPointer<UInt8>, hash h: UInt32) -> (slot: Int, id: UInt32?) {
        let mask = slots.count - 1
        var i = Int(h) & mask
        return arena.withUnsafeBufferPointer { bytes in
            while true {
                let entry = slots[i]
                if entry == 0 { return (i, nil) }
                let id = Int(entry - 1)
                if hashes[id] == h {
                    let (start, end) = bounds(id)
                    if end - start == u.count && UnsafeBufferPointer(rebasing: bytes[start..<end]).elementsEqual(u) {
                        return (i, UInt32(id))
                    }
                }
                i = (i + 1) & mask
            }
        }
    }

    private mutating func intern(utf8 u: UnsafeBufferPointer<UInt8>) -> UInt32 {
        let h = Self.hash(u)
        let (slot, found) = find(u, hash: h)
        if let found { return found }
        let id = UInt32(ends.count)
        if !isKnownUniquelyReferenced(&lineageToken) { lineageToken = Lineage() }
        precondition(id < Self.none && arena.count + u.count <= Int(UInt32.max), "StringTable: more than 4 GiB of strings")
        arena.append(contentsOf: u)
        ends.append(UInt32(arena.count))
        hashes.append(h)
        if ends.count * 4 > slots.count * 3 {
            reserveIndex(ends.count)  // grows, and indexes the new id with the others
        } else {
            slots[slot] = id + 1
        }
        return id
    }

    /// Grows the index to hold `n` strings at most 3/4 full, re-inserting every id.
    private mutating func reserveIndex(_ n: Int) {
        var capacity = slots.count
        while n * 4 > capacity * 3 { capacity *= 2 }
        guard capacity > slots.count else { return }
        slots = ContiguousArray(repeating: 0, count: capacity)
        let mask = capacity - 1
        for (id, h) in hashes.enumerated() {
            var i = Int(h) & mask
            while slots[i] != 0 { i = (i + 1) & mask }
            slots[i] = UInt32(id + 1)
        }
    }
}

extension StringTable {
    /// A lineage token (``lineage``): a reference, so that the table can tell
    /// whether a copy of it still exists before it adds a string.
    final class Lineage: Sendable {
        let value: UInt64
        init() { value = Self.next.add(1, ordering: .relaxed).newValue }
        private static let next = Atomic<UInt64>(0)
    }
}

extension StringTable: Equatable {
    /// Equal when the same strings were interned in the same order.
    package static func == (a: StringTable, b: StringTable) -> Bool { a.ends == b.ends && a.arena == b.arena }
}
