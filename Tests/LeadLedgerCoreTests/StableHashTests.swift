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

    @Test("decimal(_:) feeds the digits String(v) has, for zero, powers of ten, bounds and random values")
    func decimalDigits() {
        var rng = SplitMix64(seed: 11)
        var values: [Int64] = [0, 1, -1, 9, 10, 11, 99, 100, 101, .max, .min, .max - 1, .min + 1]
        var power: Int64 = 1
        for _ in 0..<18 {
            power *= 10
            values += [power - 1, power, power + 1, -power]
        }
        for _ in 0..<2000 { values.append(Int64(bitPattern: rng.next() >> (rng.next() & 63))) }
        for v in values {
            var h = StableHash()
            h.decimal(v)
            #expect(h.value == StableHash.of(String(v)), "\(v)")
        }
    }

    @Test("event ids: the hash of topic/partition/offset/seq, fed without making the string")
    func eventIDs() {
        var rng = SplitMix64(seed: 12)
        for topic in ["crm.events", "web", "t-ü-✓", ""] {
            for _ in 0..<200 {
                let partition = Int32(truncatingIfNeeded: rng.next() % 64)
                let offset = Int64(bitPattern: rng.next() >> (rng.next() & 63 | 1))
                let seq = Int(rng.next() % 5)
                let e = CanonicalEvent(
                    eventTime: EventTime(milliseconds: 0), leadID: nil, accountID: nil,
                    lineage: Lineage(
                        position: SourcePosition(topic: topic, partition: partition, offset: offset), seq: seq, externalID: nil,
                        system: .crm),
                    payload: .erasure)
                #expect(e.eventID == "ev_" + Text.hex16(StableHash.of("\(topic)/\(partition)/\(offset)/\(seq)")))
            }
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
