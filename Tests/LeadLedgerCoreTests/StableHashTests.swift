import Testing

@testable import LeadLedgerCore

@Suite("StableHash (FNV-1a 64)")
struct StableHashTests {
    @Test(
        "published FNV-1a 64 test vectors",
        arguments: [
            ("", UInt64(0xcbf2_9ce4_8422_2325)),
            ("a", UInt64(0xaf63_dc4c_8601_ec8c)),
            ("foobar", UInt64(0x8594_4171_f739_67e8)),
        ])
    func vectors(text: String, hash: UInt64) {
        #expect(StableHash.of(text) == hash)
        #expect(StableHash.of(Array(text.utf8)) == hash)
    }

    @Test("integers: combine is little endian, u64 big endian, each the same as feeding the bytes")
    func integers() {
        var rng = SplitMix64(seed: 3)
        for _ in 0..<500 {
            let v = rng.next() >> (rng.next() & 63)
            var little = StableHash()
            var big = StableHash()
            var bytesLE = StableHash()
            var bytesBE = StableHash()
            little.combine(Int64(bitPattern: v))
            big.u64(v)
            bytesLE.combine((0..<8).map { UInt8(truncatingIfNeeded: v >> UInt64(8 * $0)) })
            bytesBE.combine((0..<8).reversed().map { UInt8(truncatingIfNeeded: v >> UInt64(8 * $0)) })
            #expect(little == bytesLE && big == bytesBE, "\(v)")
        }
    }

    @Test("strings and hex digits end with 0xFF; a seed continues a stream")
    func stringsAndSeeds() {
        var s = StableHash()
        s.string("rep-1")
        #expect(s.value == StableHash.of(Array("rep-1".utf8) + [0xFF]))
        var h = StableHash()
        h.hex16(0x00ab_cdef_0123_4567)
        #expect(h.value == StableHash.of(Array("00abcdef01234567".utf8) + [0xFF]))
        #expect(StableHash.hex(0xab) == "00000000000000ab")
        #expect(StableHash.of("bar", seed: StableHash.of("foo")) == StableHash.of("foobar"))
        #expect(StableHash(value: StableHash.of("foo")).value == StableHash.of("foo"))
    }
}
