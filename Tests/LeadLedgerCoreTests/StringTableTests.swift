import Testing

@testable import LeadLedgerCore

@Suite("StringTable (interned strings in one arena)")
struct StringTableTests {
    /// Distinct strings of every length class: empty, short (inline in a `String`),
    /// long, non-ASCII, and strings that share prefixes.
    static func samples(_ n: Int, seed: UInt64) -> [String] {
        var rng = SplitMix64(seed: seed)
        var out: [String] = ["", "a", "ä", "日本語のテキスト", "first.last@example.com", "first.last@example.co"]
        while out.count < n {
            let length = Int(rng.next() % 40)
            let alphabet: [Character] = Array("abcxyz0129@.-_é🙂")
            let characters: [Character] = (0..<length).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            out.append(String(characters))
        }
        var seen = Set<String>()
        return out.filter { seen.insert($0).inserted }
    }

    @Test("ids are dense and in first-seen order; every id reads back its string; interning again returns the same id")
    func roundTrip() {
        let strings = Self.samples(5_000, seed: 11)
        var table = StringTable()
        for (i, s) in strings.enumerated() { #expect(table.intern(s) == UInt32(i)) }
        #expect(table.count == strings.count)
        for (i, s) in strings.enumerated() {
            #expect(table[UInt32(i)] == s)
            #expect(table.lookup(s) == UInt32(i))
            #expect(table.intern(s) == UInt32(i))
        }
        #expect(table.count == strings.count)
        #expect(table[StringTable.none] == nil)
        #expect(table.lookup("not interned") == nil)
    }

    @Test("canonically equivalent strings are distinct entries (the table compares UTF-8 bytes, as the snapshot stores them)")
    func bytesNotCharacters() {
        var table = StringTable()
        let composed = "\u{E9}"
        let decomposed = "e\u{301}"
        let a = table.intern(composed)
        let b = table.intern(decomposed)
        #expect(
            a != b && table[a].map { Array($0.utf8) } == Array(composed.utf8) && table[b].map { Array($0.utf8) } == Array(decomposed.utf8))
    }

    @Test("equal when the same strings were interned in the same order")
    func equality() {
        var a = StringTable()
        var b = StringTable()
        var c = StringTable()
        for s in ["x", "y", "z"] {
            _ = a.intern(s)
            _ = b.intern(s)
        }
        for s in ["y", "x", "z"] { _ = c.intern(s) }
        #expect(a == b && a != c)
    }

    @Test("write(to:) gives a count and length-prefixed strings; reading them back gives an equal table, and a repeated string is refused")
    func snapshot() throws {
        var table = StringTable()
        let strings = Self.samples(3_000, seed: 5)
        for s in strings { _ = table.intern(s) }
        var w = SnapshotWriter(capacity: 16)
        table.write(to: &w)
        let bytes = w.take()
        var expected = SnapshotWriter(capacity: 16)
        expected.strings(strings)
        #expect(bytes == expected.take())
        var r = SnapshotReader(bytes, from: 0, to: bytes.count)
        let restored = try StringTable(reading: &r)
        #expect(restored == table && r.atEnd)

        var repeated = SnapshotWriter(capacity: 16)
        repeated.strings(["a", "b", "a"])
        let repeatedBytes = repeated.take()
        #expect(
            snapshotCode { () throws(SnapshotError) in
                var r = SnapshotReader(repeatedBytes, from: 0, to: repeatedBytes.count)
                _ = try StringTable(reading: &r)
            } == .corrupt)
    }
}
