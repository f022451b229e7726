import Foundation
import PropertyBased
import Testing

@testable import LeadLedgerCore

/// ``Script`` plus overrides, outcomes and erasures, so snapshots cover every table.
enum SnapshotScript {
    static func message(_ step: (Int, Int, Int, Int), index: Int) -> (InboundTopic, String) {
        let (kind, person, x, dt) = step
        let time = EventTime(seconds: Int64(1_712_000_000 + index * 60 + dt)).rfc3339
        let head = #""event_id":"s\#(index)","occurred_at":"\#(time)","source":"salesforce","record_id":"R\#(person)""#
        switch kind {
        case 7:
            return x % 3 == 0
                ? (.crm, #"{\#(head),"type":"override.cleared"}"#)
                : (
                    .crm,
                    #"{\#(head),"type":"override.set","override":{"tier":"sales_ready","queue":"q\#(x)","owner_id":"o\#(x)","set_by":"ops@vendor.com","note":"n"}}"#
                )
        case 8:
            return x % 2 == 0
                ? (.crm, #"{\#(head),"type":"lead.converted","opportunity_id":"O\#(x % 3)"}"#)
                : (.crm, #"{\#(head),"type":"lead.disqualified","reason":"no budget"}"#)
        case 9:
            return (
                .crm,
                #"{"event_id":"s\#(index)","type":"privacy.erasure","occurred_at":"\#(time)","source":"salesforce","email":"\#(Script.people[person % Script.people.count])"}"#
            )
        default:
            return Script.message(step, index: index)
        }
    }

    static let gen = zip(Gen.int(in: 0...9), Gen.int(in: 0...7), Gen.int(in: 0...9), Gen.int(in: 0...59)).array(of: 1...80)

    static func messages(_ steps: [(Int, Int, Int, Int)]) -> [(InboundTopic, String)] {
        steps.enumerated().map { message($0.element, index: $0.offset) }
    }

    static func run(_ steps: [(Int, Int, Int, Int)]) throws -> Pipeline {
        var p = Pipeline()
        for (topic, json) in messages(steps) { try p.feed(topic, json) }
        return p
    }

    /// Cut points: start, thirds, half, end.
    static func cuts(_ n: Int) -> [Int] { Array(Set([0, n / 3, n / 2, 2 * n / 3, n])).sorted() }
}

/// Recomputes the CRC-32 trailer after a deliberate payload edit.
func resealed(_ bytes: [UInt8]) -> [UInt8] {
    var b = bytes
    let crc = CRC32.checksum(b[0..<(b.count - 4)])
    for k in 0..<4 { b[b.count - 4 + k] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(k))) }
    return b
}

func snapshotCode(_ body: () throws(SnapshotError) -> Void) -> SnapshotError.Code? {
    do {
        try body()
        return nil
    } catch {
        return error.code
    }
}

@Suite("Snapshots: format")
struct SnapshotFormatTests {
    @Test("CRC-32 matches the IEEE check value and the byte-wise definition")
    func crc() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([UInt8]()) == 0)
        var rng = SplitMix64(seed: 3)
        for len in [1, 7, 8, 9, 63, 1000] {
            let data = (0..<len).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            var c: UInt32 = 0xFFFF_FFFF
            for b in data {
                c ^= UInt32(b)
                for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
            }
            #expect(CRC32.checksum(data) == c ^ 0xFFFF_FFFF)
        }
    }

    @Test("varints, zig-zag, time sentinels and strings round-trip at their edges")
    func primitives() throws {
        var w = SnapshotWriter(capacity: 0)
        let us: [UInt64] = [0, 1, 127, 128, 16_383, 16_384, UInt64(UInt32.max), .max]
        let ss: [Int64] = [0, -1, 1, .min, .max, -1_712_000_000_000]
        let ts: [Int64] = [.min, .max, .min + 1, .max - 1, 0, -5, 1_712_000_000_000]
        for u in us { w.varint(u) }
        for s in ss { w.zigzag(s) }
        for t in ts { w.time(t) }
        w.string("naïve 📈")
        w.optString(nil)
        w.optIndex(.max)
        w.optIndex(7)
        let written = w.take()
        var r = SnapshotReader(written, from: 0, to: written.count)
        for u in us { #expect(try r.varint("u") == u) }
        for s in ss { #expect(try r.zigzag("s") == s) }
        for t in ts { #expect(try r.time("t") == t) }
        #expect(try r.string("s") == "naïve 📈")
        #expect(try r.optString("s") == nil)
        #expect(try r.optIndex("i", below: 8) == .max)
        #expect(try r.optIndex("i", below: 8) == 7)
        #expect(r.atEnd)
        #expect(IdentifierKind.allCases.allSatisfy { $0.ordinal == $0.snapshotOrdinal })
        var big = SnapshotWriter(capacity: 1)  // growth keeps what was written
        for i in 0..<10_000 { big.varint(UInt64(i)) }
        let grown = big.take()
        var g = SnapshotReader(grown, from: 0, to: grown.count)
        for i in 0..<10_000 { #expect(try g.varint("g") == UInt64(i)) }
        var overlong = SnapshotReader([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F], from: 0, to: 10)
        #expect(snapshotCode { () throws(SnapshotError) in _ = try overlong.varint("v") } == .corrupt)
        var badUTF8 = SnapshotReader([2, 0xC3, 0x28], from: 0, to: 3)
        #expect(snapshotCode { () throws(SnapshotError) in _ = try badUTF8.string("s") } == .corrupt)
        var hugeCount = SnapshotReader([0xFF, 0xFF, 0xFF, 0x7F], from: 0, to: 4)
        #expect(snapshotCode { () throws(SnapshotError) in _ = try hugeCount.count("n") } == .corrupt)
    }
}

@Suite("Snapshots: Ledger")
struct LedgerSnapshotTests {
    @Test("empty ledger round-trips")
    func empty() throws {
        let bytes = Ledger().snapshotBytes()
        #expect(try Ledger(snapshot: bytes) == Ledger())
        #expect(bytes.count < 64)
    }

    @Test("restore(snapshot(s)) == s, views agree, and re-snapshotting gives the same bytes")
    func roundTrip() async {
        await propertyCheck(count: 60, input: SnapshotScript.gen) { steps in
            let p = try SnapshotScript.run(steps)
            let bytes = p.ledger.snapshotBytes()
            let restored = try Ledger(snapshot: bytes)
            #expect(restored == p.ledger)
            #expect(restored.snapshotBytes() == bytes)
            for e in p.harness.log {
                if let l = e.leadID { #expect(restored.lead(l) == p.ledger.lead(l)) }
                if let a = e.accountID {
                    #expect(restored.account(a) == p.ledger.account(a))
                    #expect(restored.edges(from: GraphNode(.account, a.rawValue)) == p.ledger.edges(from: GraphNode(.account, a.rawValue)))
                }
            }
        }
    }

    @Test("snapshot at a cut, restore, apply the rest = uninterrupted state, effects and bytes (several cuts)")
    func resume() async {
        await propertyCheck(count: 40, input: SnapshotScript.gen) { steps in
            let p = try SnapshotScript.run(steps)
            let log = p.harness.log
            var full = Ledger()
            var fullEffects: [[ProjectionEffect]] = []
            for e in log { fullEffects.append(full.apply(e)) }
            for cut in SnapshotScript.cuts(log.count) {
                var prefix = Ledger()
                for e in log.prefix(cut) { prefix.apply(e) }
                var resumed = try Ledger(snapshot: prefix.snapshotBytes())
                for (k, e) in log.enumerated().dropFirst(cut) {
                    #expect(resumed.apply(try CanonicalEvent(bytes: e.encoded)) == fullEffects[k])
                }
                #expect(resumed == full)
                #expect(resumed.snapshotBytes() == full.snapshotBytes())
                // Replaying already-applied events after a restore is still a no-op.
                var again = try Ledger(snapshot: prefix.snapshotBytes())
                for e in log.prefix(cut) { #expect(again.apply(e) == [.duplicateIgnored]) }
            }
        }
    }

    @Test("different histories of one state give identical bytes (batch vs single, reserved capacity, hash-table order)")
    func historyIndependent() async {
        await propertyCheck(count: 30, input: SnapshotScript.gen) { steps in
            let p = try SnapshotScript.run(steps)
            var batched = Ledger()
            batched.reserveCapacity(leads: 5000, accounts: 500)
            var effects: [ProjectionEffect] = []
            batched.apply(batch: p.harness.log, effects: &effects)
            for e in p.harness.log { batched.apply(e) }  // duplicates: ignored
            #expect(batched == p.ledger)
            #expect(batched.snapshotBytes() == p.ledger.snapshotBytes())
            // Same contents, other hash-table layouts (as in another process, whose Hasher seed differs).
            var shuffled = p.ledger
            shuffled.mergedInto = rebuilt(shuffled.mergedInto)
            shuffled.absorbedBy = rebuilt(shuffled.absorbedBy)
            shuffled.outcomes = rebuilt(shuffled.outcomes)
            shuffled.overrides = rebuilt(shuffled.overrides)
            shuffled.accountIndex = rebuilt(shuffled.accountIndex)
            shuffled.opportunityIndex = rebuilt(shuffled.opportunityIndex)
            #expect(shuffled == p.ledger)
            #expect(shuffled.snapshotBytes() == p.ledger.snapshotBytes())
        }
    }

    @Test("full edge blocks, evictions and the eviction counter survive a snapshot; later events evict identically")
    func edgeEvictions() throws {
        var full = Ledger()
        var events: [CanonicalEvent] = []
        for lead in 0..<5 as Range<UInt64> {
            for i in 0..<30 as Range<Int64> {
                events.append(
                    EdgeStorageTests.engagement(
                        LeadID(raw: lead * 977 + 1), "/blog/\((i * 7 + Int64(lead)) % 13)",
                        second: i, offset: Int64(events.count)))
            }
        }
        for e in events { full.apply(e) }
        #expect(full.evictedEdges > 0)
        for cut in SnapshotScript.cuts(events.count) {
            var prefix = Ledger()
            for e in events.prefix(cut) { prefix.apply(e) }
            let restored = try Ledger(snapshot: prefix.snapshotBytes())
            #expect(restored == prefix)
            #expect(restored.evictedEdges == prefix.evictedEdges)
            var resumed = restored
            for e in events.dropFirst(cut) { resumed.apply(e) }
            #expect(resumed == full)
            #expect(resumed.snapshotBytes() == full.snapshotBytes())
        }
    }

    static func sample() throws -> Ledger {
        var rng = SplitMix64(seed: 11)
        let steps = (0..<120).map { _ in (rng.below(10), rng.below(8), rng.below(10), rng.below(60)) }
        return try SnapshotScript.run(steps).ledger
    }

    @Test("every truncation throws truncated")
    func truncation() throws {
        let bytes = try Self.sample().snapshotBytes()
        for len in 0..<bytes.count {
            #expect(snapshotCode { () throws(SnapshotError) in _ = try Ledger(snapshot: Array(bytes.prefix(len))) } == .truncated)
        }
    }

    @Test("a flipped byte throws the code of the field it hits; random damage never restores")
    func byteFlips() throws {
        let bytes = try Self.sample().snapshotBytes()
        var rng = SplitMix64(seed: 5)
        for i in 0..<bytes.count {
            var b = bytes
            b[i] ^= UInt8(1 + rng.below(255))
            let code = snapshotCode { () throws(SnapshotError) in _ = try Ledger(snapshot: b) }
            switch i {
            case 0..<4: #expect(code == .badMagic)
            case 4..<8: #expect(code == .unsupportedVersion)
            case 8: #expect(code == .wrongType)
            case 9..<12: #expect(code == .corrupt)
            case 12..<20: #expect(code == .truncated || code == .corrupt)
            default: #expect(code == .checksumMismatch, "byte \(i)")
            }
        }
        for _ in 0..<500 {  // several flips at once
            var b = bytes
            for _ in 0..<(1 + rng.below(8)) { b[rng.below(b.count)] ^= UInt8(1 + rng.below(255)) }
            if b != bytes { #expect(snapshotCode { () throws(SnapshotError) in _ = try Ledger(snapshot: b) } != nil) }
        }
    }

    @Test("checksum-valid but damaged payloads throw corrupt or restore something usable; they never trap")
    func resealedDamage() throws {
        let ledger = try Self.sample()
        let bytes = ledger.snapshotBytes()
        var rng = SplitMix64(seed: 9)
        var rejected = 0
        for _ in 0..<1500 {
            var b = bytes
            for _ in 0..<(1 + rng.below(3)) { b[20 + rng.below(b.count - 24)] ^= UInt8(1 + rng.below(255)) }
            b = resealed(b)
            do {
                let l = try Ledger(snapshot: b)
                #expect(try Ledger(snapshot: l.snapshotBytes()) == l)
                for i in 0..<l.leadCount { _ = l.lead(l.leadIDs[i]) }
                for a in 0..<l.accountCount { _ = l.account(l.accountID(UInt32(a))) }
            } catch {
                #expect(error.code == .corrupt)
                rejected += 1
            }
        }
        #expect(rejected > 500)
        // Trailing bytes after the payload.
        #expect(snapshotCode { () throws(SnapshotError) in _ = try Ledger(snapshot: resealed(bytes + [0])) } == .corrupt)
    }

    @Test("another format version or type is rejected even with a valid checksum")
    func versionAndType() throws {
        let bytes = try Self.sample().snapshotBytes()
        var v2 = bytes
        v2[4] &+= 1
        let e = try #require(throws: SnapshotError.self) { try Ledger(snapshot: resealed(v2)) }
        #expect(e.code == .unsupportedVersion)
        #expect(e.description.contains("unsupported_version"))
        #expect(snapshotCode { () throws(SnapshotError) in _ = try IdentityResolver(snapshot: bytes) } == .wrongType)
        #expect(snapshotCode { () throws(SnapshotError) in _ = try Ledger(snapshot: IdentityResolver().snapshotBytes()) } == .wrongType)
    }
}

@Suite("Snapshots: IdentityResolver")
struct ResolverSnapshotTests {
    @Test("restore(snapshot(r)) == r and gives the same bytes")
    func roundTrip() async {
        await propertyCheck(count: 60, input: SnapshotScript.gen) { steps in
            let p = try SnapshotScript.run(steps)
            let bytes = p.harness.resolver.snapshotBytes()
            let restored = try IdentityResolver(snapshot: bytes)
            #expect(restored == p.harness.resolver)
            #expect(restored.snapshotBytes() == bytes)
            #expect(restored.counters == p.harness.resolver.counters)
        }
    }

    @Test("snapshot at a cut, restore, resolve the rest = the uninterrupted log, state and bytes (several cuts)")
    func resume() async {
        await propertyCheck(count: 40, input: SnapshotScript.gen) { steps in
            let messages = SnapshotScript.messages(steps)
            var full = ResolveHarness()
            for (t, j) in messages { try full.feed(t, j) }
            for cut in SnapshotScript.cuts(messages.count) {
                var h = ResolveHarness()
                for (t, j) in messages.prefix(cut) { try h.feed(t, j) }
                h.resolver = try IdentityResolver(snapshot: h.resolver.snapshotBytes())
                for (t, j) in messages.dropFirst(cut) { try h.feed(t, j) }
                #expect(h.log.map(\.encoded) == full.log.map(\.encoded))
                #expect(h.resolver == full.resolver)
                #expect(h.resolver.snapshotBytes() == full.resolver.snapshotBytes())
            }
        }
    }

    @Test("path compression, warm memos and hash-table order do not change the bytes")
    func historyIndependent() async {
        await propertyCheck(count: 30, input: SnapshotScript.gen) { steps in
            let p = try SnapshotScript.run(steps)
            let cold = p.harness.resolver
            var queried = cold
            for key in cold.nodeOf.keys.sorted() {  // finds compress paths
                let parts = key.split(separator: ":", maxSplits: 1)
                let kind = IdentifierKind(rawValue: String(parts[0]))!
                _ = queried.lead(for: Identifier(kind, String(parts[1])))
                _ = queried.account(for: Identifier(kind, String(parts[1])))
            }
            queried.titleCache = [:]
            queried.emailCache = ["someone@else.io": nil]
            var shuffled = cold
            shuffled.nodeOf = rebuilt(cold.nodeOf)
            shuffled.leads = rebuilt(cold.leads)
            shuffled.pending = rebuilt(cold.pending)
            shuffled.accountByCompany = rebuilt(cold.accountByCompany)
            shuffled.accountByGroup = rebuilt(cold.accountByGroup)
            shuffled.accountByCRM = rebuilt(cold.accountByCRM)
            var issued = Set<UInt64>(minimumCapacity: cold.issued.count * 8 + 64)
            for id in cold.issued.reversed() { issued.insert(id) }
            shuffled.issued = issued
            #expect(queried == cold && shuffled == cold)
            #expect(queried.snapshotBytes() == cold.snapshotBytes())
            #expect(shuffled.snapshotBytes() == cold.snapshotBytes())
        }
    }

    @Test("a different union-find partition is not equal and does not give the same bytes")
    func equalityIsNotVacuous() throws {
        var a = ResolveHarness()
        var b = ResolveHarness()
        try a.feed(.crm, crmLead("X1", #""email":"x@acme.io""#))
        try a.feed(.crm, crmLead("X2", #""email":"y@acme.io""#))
        b = a
        try b.feed(
            .web, #"{"type":"identify","messageId":"m","userId":"u","timestamp":"2024-04-01T10:00:00Z","traits":{"email":"x@acme.io"}}"#)
        try a.feed(
            .web, #"{"type":"identify","messageId":"m","userId":"u","timestamp":"2024-04-01T10:00:00Z","traits":{"email":"y@acme.io"}}"#)
        #expect(a.resolver != b.resolver)
        #expect(a.resolver.snapshotBytes() != b.resolver.snapshotBytes())
    }

    static func sample() throws -> IdentityResolver {
        var rng = SplitMix64(seed: 21)
        let steps = (0..<120).map { _ in (rng.below(10), rng.below(8), rng.below(10), rng.below(60)) }
        let r = try SnapshotScript.run(steps).harness.resolver
        #expect(!r.pending.isEmpty && r.counters.merges > 0)
        return r
    }

    @Test("truncations, byte flips, damaged payloads, other versions and configurations throw the right codes")
    func damage() throws {
        let bytes = try Self.sample().snapshotBytes()
        for len in 0..<bytes.count {
            #expect(snapshotCode { () throws(SnapshotError) in _ = try IdentityResolver(snapshot: Array(bytes.prefix(len))) } == .truncated)
        }
        var rng = SplitMix64(seed: 8)
        for i in 20..<(bytes.count) {
            var b = bytes
            b[i] ^= UInt8(1 + rng.below(255))
            #expect(snapshotCode { () throws(SnapshotError) in _ = try IdentityResolver(snapshot: b) } == .checksumMismatch)
        }
        for _ in 0..<1500 {
            var b = bytes
            for _ in 0..<(1 + rng.below(3)) { b[20 + rng.below(b.count - 24)] ^= UInt8(1 + rng.below(255)) }
            do {
                var r = try IdentityResolver(snapshot: resealed(b))
                #expect(try IdentityResolver(snapshot: r.snapshotBytes()) == r)
                for key in r.nodeOf.keys.sorted() {
                    let parts = key.split(separator: ":", maxSplits: 1)
                    if parts.count == 2, let kind = IdentifierKind(rawValue: String(parts[0])) {
                        _ = r.lead(for: Identifier(kind, String(parts[1])))
                    }
                }
                r.expire()
            } catch {
                #expect(error.code == .corrupt || error.code == .configurationMismatch)  // damage may hit the stored configuration
            }
        }
        var v2 = bytes
        v2[4] &+= 1
        #expect(snapshotCode { () throws(SnapshotError) in _ = try IdentityResolver(snapshot: resealed(v2)) } == .unsupportedVersion)
        let other = IdentityResolver.Configuration(anonymousTTL: 1000)
        #expect(
            snapshotCode { () throws(SnapshotError) in _ = try IdentityResolver(snapshot: bytes, configuration: other) }
                == .configurationMismatch)
        let custom = IdentityResolver(configuration: other)
        #expect(try IdentityResolver(snapshot: custom.snapshotBytes(), configuration: other) == custom)
    }
}

/// The same dictionary with another hash-table layout (as in another process,
/// whose Hasher seed differs): larger capacity, inserted in reverse order.
func rebuilt<K: Hashable, V>(_ d: [K: V]) -> [K: V] {
    var out: [K: V] = [:]
    out.reserveCapacity(d.count * 8 + 64)
    for (k, v) in d.reversed() { out[k] = v }
    return out
}
