import Foundation
import LeadLedgerCore
import Testing

@testable import LeadLedgerDecisions

/// The number text of the record encoding as the writer produced it before the
/// pointer-based writer (libm rounding, a scratch buffer appended to an array):
/// the reference the current writer must match byte for byte.
func referenceNumberText(_ v: Double) -> String {
    guard v.isFinite, abs(v) < 9.0e12 else { return "null" }
    let s = (v * 1_000_000.0).rounded(.toNearestOrAwayFromZero)
    if s == 0 { return "0" }
    let m = UInt64(abs(s))
    var text = s < 0 ? "-" : ""
    text += String(m / 1_000_000)
    var frac = m % 1_000_000
    if frac != 0 {
        var digits = 6
        while frac % 10 == 0 {
            frac /= 10
            digits -= 1
        }
        let f = String(frac)
        text += "." + String(repeating: "0", count: digits - f.count) + f
    }
    return text
}

/// Values that exercise the number format: signs, zeros, ties at the 6th
/// decimal, integers, the `null` bound, tiny and huge magnitudes, plus
/// pseudo-random values over many magnitudes and raw bit patterns.
func numberSamples(random: Int) -> [Double] {
    var v: [Double] = [
        0, -0.0, 1, -1, 12, -12, 0.5, -0.5, 0.1, 0.2, 0.3, 1.0 / 3, -2.0 / 3, 0.125, -0.000125,
        5e-7, -5e-7, 4.999999e-7, 5.000001e-7, 1e-7, 1.5e-6, 2.5e-6, -2.5e-6, 0.0000015, 1.0000005, 2.0000005,
        123456.7890125, 8_999_999_999_999.99, 8_999_999_999_999.9999995, 9.0e12, -9.0e12, 9.0e12.nextDown, 1e13,
        1e300, -1e300, .leastNonzeroMagnitude, .leastNormalMagnitude, .ulpOfOne, .greatestFiniteMagnitude,
        .nan, .infinity, -.infinity, 4_503_599_627_370_496, 4_503_599.6273704965, 0.49999999999999994,
        9_007_199_254.740993, 9_223_372.036854775,
    ]
    for k in 0..<2000 {
        // Exact ties and their neighbours at the 6th decimal.
        let t = (Double(k) + 0.5) / 1_000_000
        v += [t, -t, t.nextUp, t.nextDown, -t.nextUp, -t.nextDown, Double(k) + 0.5e-6, Double(k * 7919) / 8]
    }
    var rng = SplitMix64(seed: 20_261_126)
    for _ in 0..<random {
        let mantissa = rng.unit() * 2 - 1
        let exponent = Double(Int(rng.below(40)) - 20)
        v.append(mantissa * pow(10, exponent))
        v.append(Double(bitPattern: rng.next()))
        v.append((mantissa * 1e6).rounded() / 1e6)
    }
    return v
}

@Suite("RecordJSON: the record writer")
struct RecordJSONTests {
    @Test("numbers: the same text as the reference (libm-rounded) formatter on ties, signs, zeros, bounds and random values")
    func numbersMatchReference() {
        for v in numberSamples(random: 100_000) {
            var w = RecordJSON()
            w.number(v)
            let text = String(decoding: w.bytes, as: UTF8.self)
            #expect(text == referenceNumberText(v), "value \(v) (bits \(String(v.bitPattern, radix: 16)))")
            if text != referenceNumberText(v) { return }
            #expect(RecordJSON.format(v) == text)
        }
    }

    @Test("fixed-key objects: members in order, and skippingZeros leaves out exactly the members written as 0")
    func fixedObjects() {
        // Short and long keys (past 32 bytes, and near the blob's end: the writer's block copy and its fallback).
        let names = ["a", "b_c", "d\"q", "e", "a_rather_long_feature_name_0123456789", "f", "g_h_i_j_k_l_m_n_o_p_q"]
        var blob: [UInt8] = []
        var starts: [Int] = []
        for (k, n) in names.enumerated() {
            starts.append(blob.count)
            if k > 0 { blob.append(0x2C) }
            blob += RecordJSON.encodedKey(n)
        }
        starts.append(blob.count)
        let samples = numberSamples(random: 2000)
        for i in stride(from: 0, to: samples.count - 7, by: 3) {
            let values = Array(samples[i..<i + 7])
            for skipping in [false, true] {
                var w = RecordJSON()
                w.beginArray()
                values.withUnsafeBufferPointer {
                    w.fixedObject(keys: blob, keyStarts: starts, order: [2, 0, 3, 1, 6, 4, 5], values: $0, skippingZeros: skipping)
                }
                w.endArray()
                var members: [String] = []
                // Member k: the k-th key, the value at order[k].
                for (k, j) in [2, 0, 3, 1, 6, 4, 5].enumerated()
                where !(skipping && values[j].isFinite && referenceNumberText(values[j]) == "0") {
                    members.append(String(decoding: RecordJSON.encodedKey(names[k]), as: UTF8.self) + referenceNumberText(values[j]))
                }
                #expect(String(decoding: w.bytes, as: UTF8.self) == "[{" + members.joined(separator: ",") + "}]")
            }
        }
    }

    @Test("reasons and components: one-piece writes equal the member-by-member writes")
    func onePieceWrites() {
        let samples = numberSamples(random: 500)
        let name = Array("engaged_contacts".utf8)
        let suffix = Array(#" (colleagues "engaged" recently)"#.utf8)
        var escapedSuffix = RecordJSON()
        escapedSuffix.escaped(String(decoding: suffix, as: UTF8.self))
        for i in stride(from: 0, to: samples.count - 5, by: 5) {
            let c = samples[i]
            let v = samples[i + 1]
            var a = RecordJSON()
            var b = RecordJSON()
            let head = Array(#","feature":""#.utf8) + name + Array(#"","text":""#.utf8) + name + Array(" = ".utf8)
            let tail = escapedSuffix.bytes + Array(#"","value":"#.utf8)
            a.beginArray()
            head.withUnsafeBufferPointer { h in tail.withUnsafeBufferPointer { t in a.reason(head: h, tail: t, contribution: c, value: v) }
            }
            a.endArray()
            b.beginArray()
            b.beginObject()
            b.rawKey(#""contribution":"#)
            b.double(c)
            b.rawKey(#""feature":"#)
            b.beginString()
            b.append(name)
            b.endString()
            b.rawKey(#""text":"#)
            b.beginString()
            b.append(name)
            b.raw(" = ")
            if v.isNaN { b.raw("unknown") } else { b.number(v) }
            b.raw(c >= 0 ? " raised" : " lowered")
            b.raw(" the log-odds by ")
            b.number(abs(c))
            b.append(escapedSuffix.bytes)
            b.endString()
            b.rawKey(#""value":"#)
            b.double(v)
            b.endObject()
            b.endArray()
            #expect(a.bytes == b.bytes)
            var x = RecordJSON()
            var y = RecordJSON()
            x.beginObject()
            x.components(
                account: samples[i], engagement: samples[i + 1], fit: samples[i + 2], intent: samples[i + 3], propensity: samples[i + 4])
            x.endObject()
            y.beginObject()
            y.rawKey(#""components":"#)
            y.beginObject()
            y.rawKey(#""account":"#)
            y.double(samples[i])
            y.rawKey(#""engagement":"#)
            y.double(samples[i + 1])
            y.rawKey(#""fit":"#)
            y.double(samples[i + 2])
            y.rawKey(#""intent":"#)
            y.double(samples[i + 3])
            y.rawKey(#""propensity":"#)
            y.double(samples[i + 4])
            y.endObject()
            y.endObject()
            #expect(x.bytes == y.bytes)
            #expect(String(decoding: x.bytes, as: UTF8.self).contains(#""fit":\#(referenceNumberText(samples[i + 2])),"#))
        }
    }

    @Test("strings are escaped and parse back; records past the initial capacity grow; finish/take empty the writer")
    func stringsAndGrowth() throws {
        let texts = [
            "plain", "quote \" and \\ backslash", "tab\tnew\nline\rcr", "ctl \u{01}\u{1F}", "ünïcödé ✓ 🚀", "",
            String(repeating: "x", count: 5000),
        ]
        var w = RecordJSON()
        w.beginObject()
        for (i, t) in texts.enumerated() {
            w.key(string: "k\(i)")
            w.string(t)
        }
        w.rawKey(#""n":"#)
        w.beginArray()
        for i in 0..<3000 { w.int(Int64(i) - 1500) }
        w.endArray()
        w.rawKey(#""h":"#)
        w.hex16String(0x0123_4567_89ab_cdef)
        w.rawKey(#""z":"#)
        w.optString(nil)
        w.endObject()
        let record = w.finish()
        #expect(record.last == 0x0A)
        #expect(record.count > 8000)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(record)) as? [String: Any])
        for (i, t) in texts.enumerated() { #expect(json["k\(i)"] as? String == t) }
        #expect((json["n"] as? [Any])?.compactMap { ($0 as? NSNumber)?.intValue } == Array(-1500..<1500))
        #expect(json["h"] as? String == "0123456789abcdef")
        #expect(json["z"] is NSNull)
        #expect(w.bytes.isEmpty)
        w.beginArray()
        w.bool(true)
        w.null()
        w.endArray()
        #expect(w.take() == Array("[true,null]".utf8))
        #expect(w.bytes.isEmpty)
    }

    @Test("the eight-bytes-at-a-time escape check agrees with the byte-by-byte rule for every byte at every position")
    func escapeCheckMatchesTheByteRule() {
        func byByte(_ bytes: [UInt8]) -> Bool { bytes.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C } }
        // Neighbours that stress the borrow: bytes just above and below each escaped range, high bytes of UTF-8.
        let fillers: [UInt8] = [0x61, 0x20, 0x21, 0x23, 0x5B, 0x5D, 0x7F, 0x80, 0xC3, 0xFF]
        var checked = 0
        for length in 0...19 {
            for filler in fillers {
                let plain = [UInt8](repeating: filler, count: length)
                #expect(plain.withUnsafeBufferPointer { RecordJSON.needsEscaping($0) } == byByte(plain))
                for position in 0..<length {
                    for b in UInt8.min...UInt8.max {
                        var bytes = plain
                        bytes[position] = b
                        let fast = bytes.withUnsafeBufferPointer { RecordJSON.needsEscaping($0) }
                        if fast != byByte(bytes) { Issue.record("length \(length), filler \(filler), byte \(b) at \(position)") }
                        checked += 1
                    }
                }
            }
        }
        #expect(checked == fillers.count * 256 * (0...19).reduce(0, +))
    }

    @Test("a writer starting small grows to the same bytes as one with the default capacity")
    func smallStart() {
        func fill(_ w: inout RecordJSON) {
            w.beginObject()
            for i in 0..<400 {
                w.key(string: "key_\(i)")
                w.beginArray()
                w.double(Double(i) / 7)
                w.string("v\"\(i)")
                w.bool(i % 2 == 0)
                w.null()
                w.int(Int64(-i))
                w.hex16String(UInt64(i))
                w.endArray()
            }
            w.endObject()
        }
        var big = RecordJSON()
        var small = RecordJSON(capacity: 0)
        fill(&big)
        fill(&small)
        #expect(small.bytes == big.bytes)
        #expect((try? JSONSerialization.jsonObject(with: Data(small.bytes))) as? [String: Any] != nil)
        #expect(small.finish() == big.finish())
    }

    @Test("copies are independent values: writing to one leaves the other's bytes unchanged")
    func copyOnWrite() {
        var a = RecordJSON()
        a.beginArray()
        a.int(1)
        var b = a
        b.int(2)
        b.endArray()
        a.int(3)
        let c = a
        a.endArray()
        #expect(a.bytes == Array("[1,3]".utf8))
        #expect(b.bytes == Array("[1,2]".utf8))
        #expect(c.bytes == Array("[1,3".utf8))
        var d = b
        #expect(d.finish() == Array("[1,2]\n".utf8))
        #expect(b.bytes == Array("[1,2]".utf8))
    }

    @Test("StableHash folds zero-byte runs and reads strings in place without changing the hash")
    func fnvMatchesByteDefinition() {
        let prime: UInt64 = 0x0000_0100_0000_01B3
        func reference(_ words: [UInt64], _ strings: [String]) -> UInt64 {
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            for v in words { for s in stride(from: 56, through: 0, by: -8) { h = (h ^ ((v >> UInt64(s)) & 0xFF)) &* prime } }
            for s in strings {
                for b in s.utf8 { h = (h ^ UInt64(b)) &* prime }
                h = (h ^ 0xFF) &* prime
            }
            return h
        }
        var rng = SplitMix64(seed: 9)
        var words: [UInt64] = [
            0, 1, 0xFF, 1 << 63, UInt64.max, 0x0100_0000_0000_0000, 0.5.bitPattern, (-2.25).bitPattern, 1e300.bitPattern,
        ]
        for _ in 0..<2000 {
            let v = rng.next()
            words.append(v >> (v & 63))
            words.append(v << (v & 63))
        }
        let strings = ["", "sales_ready", "rep-1", "dc_ünïcödé", String(repeating: "x", count: 40), ("a" + "b").lowercased()]
        var h = StableHash()
        for v in words { h.u64(v) }
        for s in strings { h.string(s) }
        #expect(h.value == reference(words, strings))
        for v in words.prefix(300) {
            var one = StableHash()
            one.u64(v)
            #expect(one.value == reference([v], []), "\(v)")
        }
    }

    @Test(
        "pre-encoded writes: a path reason's text from a feature's runs, next-key runs, lead ids, tier names and graph kinds equal the general writes"
    )
    func preEncodedWrites() {
        let samples = numberSamples(random: 500)
        let name = Array("engaged_contacts".utf8)
        var escapedSuffix = RecordJSON()
        escapedSuffix.escaped(#" (colleagues "engaged" recently)"#)
        let tail = escapedSuffix.bytes + Array(#"","value":"#.utf8)
        for i in stride(from: 0, to: samples.count - 2, by: 2) {
            let c = samples[i]
            let v = samples[i + 1]
            var a = RecordJSON()
            var b = RecordJSON()
            // The general writes of a reason with a graph path (`reasonText` after the path) and of one without.
            a.beginArray()
            a.int(1)
            a.beginObject()
            a.rawKey(#""contribution":"#)
            a.double(c)
            a.rawKey(#""feature":"#)
            a.beginString()
            a.append(name)
            a.endString()
            a.rawKey(#""graph_path":"#)
            a.beginArray()
            a.endArray()
            Array(#","text":"engaged_contacts = "#.utf8).withUnsafeBufferPointer { x in
                tail.withUnsafeBufferPointer { t in a.reasonText(x, tail: t, contribution: c, value: v) }
            }
            a.endObject()
            a.endArray()
            b.beginArray()
            b.int(1)
            b.beginObject()
            b.rawKey(#""contribution":"#)
            b.double(c)
            b.rawKey(#""feature":"#)
            b.beginString()
            b.append(name)
            b.endString()
            b.rawKey(#""graph_path":"#)
            b.beginArray()
            b.endArray()
            b.rawKey(#""text":"#)
            b.beginString()
            b.append(name)
            b.raw(" = ")
            if v.isNaN { b.raw("unknown") } else { b.number(v) }
            b.raw(c >= 0 ? " raised" : " lowered")
            b.raw(" the log-odds by ")
            b.number(abs(c))
            b.append(escapedSuffix.bytes)
            b.endString()
            b.rawKey(#""value":"#)
            b.double(v)
            b.endObject()
            b.endArray()
            #expect(a.bytes == b.bytes)
            if a.bytes != b.bytes { return }
        }
        var a = RecordJSON()
        var b = RecordJSON()
        a.beginObject()
        a.rawKey(#""a":"#)
        a.int(1)
        a.rawKey(#""b":"#)
        a.int(2)
        a.rawKey(#""c":"#)
        a.beginArray()
        a.int(3)
        a.endArray()
        a.rawKey(#""d":"#)
        a.string("x")
        a.endObject()
        b.beginObject()
        b.rawKey(#""a":"#)
        b.int(1)
        b.next(#","b":"#)
        b.int(2)
        b.next(#","c":"#)
        b.beginArray()
        b.int(3)
        b.endArray()
        b.next(Array(#","d":"#.utf8))
        b.string("x")
        b.endObject()
        #expect(a.bytes == b.bytes)
        #expect(String(decoding: b.bytes, as: UTF8.self) == #"{"a":1,"b":2,"c":[3],"d":"x"}"#)
        for raw: UInt64 in [0, 1, 0xdead_beef, .max, 0x0123_4567_89ab_cdef] {
            var x = RecordJSON()
            var y = RecordJSON()
            x.beginArray()
            x.int(0)
            x.string(LeadID(raw: raw).description)
            x.endArray()
            y.beginArray()
            y.int(0)
            y.leadID(LeadID(raw: raw))
            y.endArray()
            #expect(x.bytes == y.bytes)
        }
        // A literal writer equals the general write of the name, twice in one array (the separator).
        func sameAsGeneral<T>(_ values: [T], _ general: (inout RecordJSON, T) -> Void, _ literal: (inout RecordJSON, T) -> Void) {
            for v in values {
                var x = RecordJSON()
                var y = RecordJSON()
                x.beginArray()
                y.beginArray()
                for _ in 0..<2 {
                    general(&x, v)
                    literal(&y, v)
                }
                x.endArray()
                y.endArray()
                #expect(x.bytes == y.bytes, "\(v)")
            }
        }
        sameAsGeneral(Tier.allCases, { $0.string($1.name) }, { $0.tier($1) })
        sameAsGeneral(NodeKind.allCases, { $0.string($1.rawValue) }, { $0.nodeKind($1) })
        sameAsGeneral(EdgeKind.allCases.map(Optional.some) + [nil], { $0.optString($1?.rawValue) }, { $0.edgeKind($1) })
    }
}
