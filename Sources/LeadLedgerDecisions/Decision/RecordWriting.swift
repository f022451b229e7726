import Foundation
import LeadLedgerCore

/// The write operations of the record encoding (all of ``RecordJSON``'s writes), over a
/// writer's buffer: ``RecordJSON``, a copyable value whose every write first makes its
/// buffer its own (copy-on-write), and ``RecordWriter``, a noncopyable writer whose buffer
/// is its own by construction, so a write checks the capacity only (the decider's records).
protocol RecordWriting: ~Copyable {
    /// Bytes written so far.
    var count: Int { get set }
    /// Nesting depth of the open containers (at most 64).
    var depth: Int { get set }
    /// Bit `d`: the container at depth `d + 1` already has a member (a comma precedes the next one).
    var hasMember: UInt64 { get set }
    /// The bytes written so far.
    var bytes: [UInt8] { get }
    /// Room for `k` more bytes in a buffer written by this writer alone; returns where they go
    /// (write them, then add their number to `count`).
    mutating func reserve(_ k: Int) -> UnsafeMutablePointer<UInt8>
}

extension RecordWriting where Self: ~Copyable {
    /// Appends one byte.
    @inline(__always) mutating func put(_ b: UInt8) {
        reserve(1).pointee = b
        count += 1
    }
    /// Appends `n` bytes from `p`.
    @inline(__always) mutating func put(_ p: UnsafePointer<UInt8>, _ n: Int) {
        guard n > 0 else { return }
        reserve(n).update(from: p, count: n)
        count += n
    }
    /// Appends a literal's bytes.
    @inline(__always) mutating func put(_ s: StaticString) {
        s.withUTF8Buffer { put($0.baseAddress!, $0.count) }
    }
    /// Appends an array's bytes.
    @inline(__always) mutating func put(_ a: [UInt8]) {
        a.withUnsafeBufferPointer { if let p = $0.baseAddress { put(p, $0.count) } }
    }

    /// Writes the separator before a member of the innermost container (none at top level).
    @inline(__always) mutating func comma() {
        guard depth > 0 else { return }
        let bit: UInt64 = 1 << UInt64(depth - 1)
        if hasMember & bit != 0 { put(0x2C) } else { hasMember |= bit }
    }
    /// ``comma()`` and room for `k` more bytes after it, with one capacity check: returns where
    /// the member's bytes go (write them, then add their number to `count`).
    @inline(__always) mutating func member(_ k: Int) -> UnsafeMutablePointer<UInt8> {
        let p = reserve(k + 1)
        guard depth > 0 else { return p }
        let bit: UInt64 = 1 << UInt64(depth - 1)
        if hasMember & bit != 0 {
            p.pointee = 0x2C
            count += 1
            return p + 1
        }
        hasMember |= bit
        return p
    }
    /// A member written as `n` bytes from `src` (after the separator).
    @inline(__always) mutating func member(_ src: UnsafePointer<UInt8>, _ n: Int) {
        member(n).update(from: src, count: n)
        count += n
    }
    @inline(__always) mutating func open(_ b: UInt8) {
        member(1).pointee = b
        count += 1
        precondition(depth < 64, "RecordJSON nests at most 64 containers")
        depth += 1
        hasMember &= ~(1 << UInt64(depth - 1))
    }
    mutating func beginObject() { open(0x7B) }
    mutating func endObject() {
        put(0x7D)
        depth -= 1
    }
    mutating func beginArray() { open(0x5B) }
    mutating func endArray() {
        put(0x5D)
        depth -= 1
    }
    /// After a key: the value that follows takes no separator.
    @inline(__always) mutating func afterKey() { hasMember &= ~(1 << UInt64(depth - 1)) }
    mutating func key(_ k: StaticString) {
        comma()
        put(0x22)
        put(k)
        put(0x22)
        put(0x3A)
        afterKey()
    }
    /// A key that is not a literal (escaped as a string).
    mutating func key(string k: String) {
        comma()
        rawString(k)
        put(0x3A)
        afterKey()
    }
    mutating func null() { rawValue("null") }
    mutating func bool(_ b: Bool) { if b { rawValue("true") } else { rawValue("false") } }
    mutating func int(_ v: Int64) {
        comma()
        if v < 0 { put(0x2D) }
        appendDigits(v.magnitude)
    }
    mutating func appendDigits(_ m: UInt64) {
        var digits = 1
        var t = m
        while t >= 10 {
            t /= 10
            digits += 1
        }
        let p = reserve(digits)
        var m = m
        var i = digits
        repeat {
            i -= 1
            p[i] = UInt8(truncatingIfNeeded: m % 10) + 0x30
            m /= 10
        } while m > 0
        count += digits
    }
    mutating func double(_ v: Double) {
        let p = member(24)
        count += Self.writeNumber(v, to: p)
    }
    /// `v` in the record's number format, without a separator (`null` when not finite or too large).
    mutating func number(_ v: Double) {
        let p = reserve(24)
        count += Self.writeNumber(v, to: p)
    }

    /// `x.rounded(.toNearestOrAwayFromZero)` as an integer, for |x| < 2^63 (no libm call):
    /// `Int64(x)` truncates exactly, and `x - trunc(x)` is exact (x has no fraction at or above 2^52).
    @inline(__always) static func roundedAway(_ x: Double) -> Int64 {
        let t = Int64(x)
        let f = x - Double(t)
        return f >= 0.5 ? t + 1 : f <= -0.5 ? t - 1 : t
    }

    /// `v` in the record's number format, as text (what a reader shows of a recorded number).
    static func numberText(_ v: Double) -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { buffer in
            let n = writeNumber(v, to: buffer.baseAddress!)
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[..<n]), as: UTF8.self)
        }
    }

    /// Writes `v` in the record's number format at `p` (at most 24 bytes) and returns the byte count.
    /// (Wrapping arithmetic: every index and digit stays far inside the integer range.)
    @inline(__always)
    static func writeNumber(_ v: Double, to p: UnsafeMutablePointer<UInt8>) -> Int {
        // |v| < 9e12, so |v * scale| < 9e18 < 2^63: `roundedAway` applies.
        guard v.isFinite, abs(v) < 9.0e12 else {
            p[0] = 0x6E
            p[1] = 0x75
            p[2] = 0x6C
            p[3] = 0x6C
            return 4
        }
        let s = roundedAway(v * RecordJSON.scale)
        if s == 0 {
            p[0] = 0x30
            return 1
        }
        let m = s.magnitude
        let whole = m / 1_000_000
        let frac = Int(truncatingIfNeeded: m &- whole &* 1_000_000)
        var n = 0
        if s < 0 {
            p[0] = 0x2D
            n = 1
        }
        n &+= writeWhole(whole, to: p + n)
        if frac != 0 {
            // All six fractional digits (three digit pairs), then the trailing zeros dropped.
            let pairs: StaticString = Self.digitPairs
            let d = pairs.utf8Start
            let a = frac / 10_000
            let r = frac &- a &* 10_000
            let b = r / 100
            let c = r &- b &* 100
            p[n] = 0x2E
            p[n &+ 1] = d[a &* 2]
            p[n &+ 2] = d[a &* 2 &+ 1]
            p[n &+ 3] = d[b &* 2]
            p[n &+ 4] = d[b &* 2 &+ 1]
            p[n &+ 5] = d[c &* 2]
            p[n &+ 6] = d[c &* 2 &+ 1]
            var last = n &+ 6
            while p[last] == 0x30 { last &-= 1 }  // stops at a nonzero digit (frac != 0)
            n = last &+ 1
        }
        return n
    }

    /// "00" "01" … "99": the two digits of every number below 100.
    @inline(__always) static var digitPairs: StaticString {
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"
    }

    /// The decimal digits of `w` at `p`; returns their number.
    @inline(__always)
    static func writeWhole(_ w: UInt64, to p: UnsafeMutablePointer<UInt8>) -> Int {
        if w < 10 {
            p[0] = UInt8(truncatingIfNeeded: w) &+ 0x30
            return 1
        }
        if w < 100 {
            let pairs: StaticString = Self.digitPairs
            let i = Int(truncatingIfNeeded: w) &* 2
            p[0] = pairs.utf8Start[i]
            p[1] = pairs.utf8Start[i &+ 1]
            return 2
        }
        var digits = 3
        var t = w / 1000
        while t > 0 {
            t /= 10
            digits &+= 1
        }
        var i = digits
        var x = w
        repeat {
            i &-= 1
            p[i] = UInt8(truncatingIfNeeded: x % 10) &+ 0x30
            x /= 10
        } while x > 0
        return digits
    }

    /// Writes an object with fixed keys in one pass: member `k` is the bytes
    /// `keys[keyStarts[k]..<keyStarts[k + 1]]` (the pre-encoded `"name":`,
    /// preceded by `,` for k > 0) followed by `values[order[k]]` as a number.
    /// Same bytes as `beginObject()`, `rawKey`/`double` per member, `endObject()`.
    /// With `skippingZeros`, members whose value is written as `0` (rounds to
    /// zero) are left out, so the written values sum to the full object's total.
    mutating func fixedObject(
        keys: [UInt8], keyStarts: [Int], order: [Int], values: UnsafeBufferPointer<Double>,
        skippingZeros: Bool = false
    ) {
        let count = order.count
        // 32 bytes of slack: a key is copied as two 16-byte blocks (see below).
        let out = member(keys.count + 24 * count + 2 + 32)
        out[0] = 0x7B
        var n = 1
        var members = 0
        keys.withUnsafeBufferPointer { kb in
            keyStarts.withUnsafeBufferPointer { ks in
                order.withUnsafeBufferPointer { ob in
                    for k in 0..<count {
                        let v = values[ob[k]]
                        // Written as `0` ⇔ |v · scale| rounds (away from zero at .5) to 0 ⇔ |v · scale| < 0.5.
                        if skippingZeros, v.isFinite, abs(v * RecordJSON.scale) < 0.5 { continue }
                        // Member k > 0 starts with its separator; the first written member drops it.
                        let a = ks[k] + (members == 0 && k > 0 ? 1 : 0)
                        let len = ks[k + 1] - a
                        if len <= 32 && a + 32 <= kb.count {
                            // A short key as two unaligned 16-byte blocks (no memmove call); the bytes past
                            // the key land in the reserved slack and are overwritten by the value.
                            let src = UnsafeRawPointer(kb.baseAddress! + a)
                            let dst = UnsafeMutableRawPointer(out + n)
                            dst.storeBytes(of: src.loadUnaligned(as: SIMD16<UInt8>.self), as: SIMD16<UInt8>.self)
                            dst.storeBytes(
                                of: src.loadUnaligned(fromByteOffset: 16, as: SIMD16<UInt8>.self), toByteOffset: 16,
                                as: SIMD16<UInt8>.self)
                        } else {
                            (out + n).update(from: kb.baseAddress! + a, count: len)
                        }
                        n += len
                        n += Self.writeNumber(v, to: out + n)
                        members += 1
                    }
                }
            }
        }
        out[n] = 0x7D
        self.count += n + 1
    }

    /// A reason object without a graph path, written in one piece from a feature's
    /// pre-encoded runs: `{"contribution":c` + `head` (`,"feature":"name","text":"name = `)
    /// + the end of the text, `tail` (`suffix","value":`) and v + `}`: the bytes of the
    /// member-by-member writes (`name` and `suffix` escaped; v NaN reads `unknown` in the text).
    @inline(__always)
    mutating func reason(head: UnsafeBufferPointer<UInt8>, tail: UnsafeBufferPointer<UInt8>, contribution c: Double, value v: Double) {
        let o = member(head.count &+ tail.count &+ 160)
        var n = 0
        let open: StaticString = #"{"contribution":"#
        (o + n).update(from: open.utf8Start, count: open.utf8CodeUnitCount)
        n &+= open.utf8CodeUnitCount
        n &+= Self.writeNumber(c, to: o + n)
        if let p = head.baseAddress { (o + n).update(from: p, count: head.count) }
        n &+= head.count
        n &+= Self.writeReasonEnd(to: o + n, tail: tail, contribution: c, value: v)
        o[n] = 0x7D
        count += n &+ 1
    }

    /// The rest of a reason after a graph path: `text` (`,"text":"name = `), then as in
    /// ``reason(head:tail:contribution:value:)`` up to the value (the caller closes the object).
    mutating func reasonText(_ text: UnsafeBufferPointer<UInt8>, tail: UnsafeBufferPointer<UInt8>, contribution c: Double, value v: Double)
    {
        let o = reserve(text.count &+ tail.count &+ 160)
        if let p = text.baseAddress { o.update(from: p, count: text.count) }
        count += text.count &+ Self.writeReasonEnd(to: o + text.count, tail: tail, contribution: c, value: v)
    }

    /// `v raised|lowered the log-odds by |c|` + `tail` + v at `o` (v NaN reads `unknown`
    /// in the text); the number of bytes written (at most `tail.count + 150`).
    @inline(__always)
    static func writeReasonEnd(to o: UnsafeMutablePointer<UInt8>, tail: UnsafeBufferPointer<UInt8>, contribution c: Double, value v: Double)
        -> Int
    {
        var n = 0
        @inline(__always) func put(_ s: StaticString) {
            (o + n).update(from: s.utf8Start, count: s.utf8CodeUnitCount)
            n &+= s.utf8CodeUnitCount
        }
        if v.isNaN { put("unknown") } else { n &+= writeNumber(v, to: o + n) }
        if c >= 0 { put(" raised the log-odds by ") } else { put(" lowered the log-odds by ") }
        n &+= writeNumber(abs(c), to: o + n)
        if let p = tail.baseAddress { (o + n).update(from: p, count: tail.count) }
        n &+= tail.count
        n &+= writeNumber(v, to: o + n)
        return n
    }

    /// The next member's key of an object that already has a member: `run` is
    /// `,"key":` (its separator included; any constant members before the key may
    /// precede it). Same bytes as ``rawKey(_:)-(StaticString)`` there, without the separator bookkeeping.
    @inline(__always) mutating func next(_ run: StaticString) {
        assert(depth > 0 && hasMember & (1 << UInt64(depth - 1)) != 0, "next(_:) follows a member")
        let n = run.utf8CodeUnitCount
        reserve(n).update(from: run.utf8Start, count: n)
        count += n
        afterKey()
    }
    /// As ``next(_:)-(StaticString)`` with a pre-encoded run (e.g. constant members, then `,"key":`).
    @inline(__always) mutating func next(_ run: UnsafeBufferPointer<UInt8>) {
        assert(depth > 0 && hasMember & (1 << UInt64(depth - 1)) != 0, "next(_:) follows a member")
        if let p = run.baseAddress { put(p, run.count) }
        afterKey()
    }
    /// As ``next(_:)-(StaticString)`` with a pre-encoded run held in an array.
    @inline(__always) mutating func next(_ run: [UInt8]) {
        run.withUnsafeBufferPointer { next($0) }
    }

    /// The member `"components":{"account":a,"engagement":e,"fit":f,"intent":i,"propensity":p}`
    /// in one piece (same bytes as `rawKey`, `beginObject()`, five `rawKey`/`double`, `endObject()`).
    mutating func components(account a: Double, engagement e: Double, fit f: Double, intent i: Double, propensity p: Double) {
        let o = member(256)
        var n = 0
        @inline(__always) func put(_ s: StaticString) {
            s.withUTF8Buffer {
                (o + n).update(from: $0.baseAddress!, count: $0.count)
                n += $0.count
            }
        }
        put(#""components":{"account":"#)
        n += Self.writeNumber(a, to: o + n)
        put(#","engagement":"#)
        n += Self.writeNumber(e, to: o + n)
        put(#","fit":"#)
        n += Self.writeNumber(f, to: o + n)
        put(#","intent":"#)
        n += Self.writeNumber(i, to: o + n)
        put(#","propensity":"#)
        n += Self.writeNumber(p, to: o + n)
        put("}")
        count += n
    }

    /// `v` as a string of 16 lowercase hex digits (the bytes of `string(DecisionID.hex16(v))`, no String made).
    mutating func hex16String(_ v: UInt64) {
        let p = member(18)
        p[0] = 0x22
        DecisionID.writeHex(v, into: UnsafeMutableBufferPointer(start: p, count: 18), at: 1)
        p[17] = 0x22
        count += 18
    }

    /// A decision id as a string: the bytes of `string(id.text)` (`"dc_` + 32 lowercase hex digits `"`), no String made.
    mutating func decisionID(_ id: DecisionID) {
        let p = member(DecisionID.textLength + 2)
        p[0] = 0x22
        id.write(into: UnsafeMutableBufferPointer(start: p + 1, count: DecisionID.textLength))
        p[DecisionID.textLength + 1] = 0x22
        count += DecisionID.textLength + 2
    }

    /// A lead id as a string: the bytes of `string(id.description)` (`"ld_` + 16 lowercase hex digits `"`), no String made.
    mutating func leadID(_ id: LeadID) {
        let p = member(21)
        p[0] = 0x22
        p[1] = 0x6C
        p[2] = 0x64
        p[3] = 0x5F
        DecisionID.writeHex(id.raw, into: UnsafeMutableBufferPointer(start: p, count: 21), at: 4)
        p[20] = 0x22
        count += 21
    }

    /// A tier's wire name as a string: the bytes of `string(t.name)` from a literal.
    mutating func tier(_ t: Tier) {
        switch t {
        case .nurture: rawValue(#""nurture""#)
        case .salesDevelop: rawValue(#""sales_develop""#)
        case .salesReady: rawValue(#""sales_ready""#)
        case .review: rawValue(#""review""#)
        case .disqualified: rawValue(#""disqualified""#)
        }
    }

    /// A graph node's kind, as `string(kind.rawValue)` writes it (a literal: no String read or escaped).
    mutating func nodeKind(_ k: NodeKind) {
        switch k {
        case .lead: rawValue(#""lead""#)
        case .account: rawValue(#""account""#)
        case .campaign: rawValue(#""campaign""#)
        case .content: rawValue(#""content""#)
        case .opportunity: rawValue(#""opportunity""#)
        case .owner: rawValue(#""owner""#)
        }
    }
    /// A graph edge's kind, as `optString(kind?.rawValue)` writes it.
    mutating func edgeKind(_ e: EdgeKind?) {
        switch e {
        case nil: null()
        case .worksAt: rawValue(#""works_at""#)
        case .engagedWith: rawValue(#""engaged_with""#)
        case .opened: rawValue(#""opened""#)
        case .clicked: rawValue(#""clicked""#)
        case .visited: rawValue(#""visited""#)
        case .subsidiaryOf: rawValue(#""subsidiary_of""#)
        case .owns: rawValue(#""owns""#)
        case .onOpportunity: rawValue(#""on_opportunity""#)
        }
    }

    mutating func string(_ s: String) {
        // Without characters to escape (the common case): separator, quotes and bytes with one capacity check.
        let done: Bool =
            s.utf8.withContiguousStorageIfAvailable { buf in
                if Self.needsEscaping(buf) { return false }
                let p = member(buf.count + 2)
                p[0] = 0x22
                if let src = buf.baseAddress { (p + 1).update(from: src, count: buf.count) }
                p[buf.count + 1] = 0x22
                count += buf.count + 2
                return true
            } ?? false
        if !done {
            comma()
            rawString(s)
        }
    }
    mutating func optString(_ s: String?) { if let s { string(s) } else { null() } }
    /// Appends pre-encoded bytes (e.g. a `"key":` prefix) after the separator.
    mutating func rawKey(_ encoded: [UInt8]) {
        rawValue(encoded)
        afterKey()
    }
    /// Appends an already encoded value (after the separator).
    mutating func rawValue(_ encoded: [UInt8]) {
        encoded.withUnsafeBufferPointer { b in
            if let p = b.baseAddress { member(p, b.count) } else { comma() }
        }
    }
    /// Appends a pre-encoded `"key":` literal (after the separator).
    @inline(__always) mutating func rawKey(_ encoded: StaticString) {
        rawValue(encoded)
        afterKey()
    }
    /// Appends an encoded literal value (after the separator).
    @inline(__always) mutating func rawValue(_ encoded: StaticString) {
        encoded.withUTF8Buffer { member($0.baseAddress!, $0.count) }
    }
    /// Appends already escaped bytes (inside a string being written piecewise).
    mutating func append(_ encoded: [UInt8]) { put(encoded) }
    /// Appends literal bytes (inside a string being written piecewise; must need no escaping).
    @inline(__always) mutating func raw(_ s: StaticString) {
        let n = s.utf8CodeUnitCount
        reserve(n).update(from: s.utf8Start, count: n)
        count += n
    }
    /// Opens a string value written piecewise (``raw(_:)``, ``escaped(_:)``, ``number(_:)``), closed by ``endString()``.
    mutating func beginString() {
        comma()
        put(0x22)
    }
    mutating func endString() { put(0x22) }

    /// The bytes of `"key":` for a key.
    static func encodedKey(_ k: String) -> [UInt8] {
        var w = RecordJSON()
        w.rawString(k)
        w.put(0x3A)
        return w.bytes
    }

    mutating func rawString(_ s: String) {
        put(0x22)
        escaped(s)
        put(0x22)
    }
    /// Whether UTF-8 bytes hold a character JSON strings escape (a control character, `"` or a backslash).
    /// Reads eight bytes at a time (most written strings are ids of 16 to 40 bytes), then the rest one by one.
    @inline(__always) static func needsEscaping(_ buf: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = buf.baseAddress else { return false }
        let n = buf.count
        var i = 0
        while i &+ 8 <= n {
            if wordNeedsEscaping(UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)) { return true }
            i &+= 8
        }
        while i < n {
            let b = base[i]
            if b < 0x20 || b == 0x22 || b == 0x5C { return true }
            i &+= 1
        }
        return false
    }

    /// Whether one of the eight bytes of `w` is below 0x20, `"` or a backslash. Each test is the
    /// borrow trick: `(x - 0x01…) & ~x & 0x80…` is nonzero exactly when a byte of `x` is zero (a borrow
    /// starts only at a zero byte), and `(w - 0x20…) & ~w & 0x80…` exactly when a byte is below 0x20.
    @inline(__always) static func wordNeedsEscaping(_ w: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        let quote = w ^ (ones &* 0x22)
        let backslash = w ^ (ones &* 0x5C)
        let control = (w &- ones &* 0x20) & ~w
        return (control | ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash)) & high != 0
    }
    /// The JSON string escaping of `s`, without the quotes.
    mutating func escaped(_ s: String) {
        // Non-mutating contiguous view (no copy of `s`); nil falls through to the bytewise loop.
        let fast: Bool =
            s.utf8.withContiguousStorageIfAvailable { buf in
                if Self.needsEscaping(buf) { return false }
                if let p = buf.baseAddress { put(p, buf.count) }
                return true
            } ?? false
        if fast { return }
        for b in s.utf8 {
            switch b {
            case 0x22:
                put(0x5C)
                put(0x22)
            case 0x5C:
                put(0x5C)
                put(0x5C)
            case 0x0A:
                put(0x5C)
                put(UInt8(ascii: "n"))
            case 0x0D:
                put(0x5C)
                put(UInt8(ascii: "r"))
            case 0x09:
                put(0x5C)
                put(UInt8(ascii: "t"))
            case 0..<0x20:
                let hex: StaticString = "0123456789abcdef"
                put(0x5C)
                put(UInt8(ascii: "u"))
                put(0x30)
                put(0x30)
                hex.withUTF8Buffer {
                    put($0[Int(b >> 4)])
                    put($0[Int(b & 15)])
                }
            default: put(b)
            }
        }
    }
    /// Returns the bytes written so far (a value to embed with ``rawValue(_:)``,
    /// no newline) and empties the writer, keeping its buffer.
    mutating func take() -> [UInt8] {
        let out = bytes
        count = 0
        depth = 0
        hasMember = 0
        return out
    }
    /// Ends the record (newline) and returns its bytes; the writer keeps its buffer for the next record.
    mutating func finish() -> [UInt8] {
        put(0x0A)
        return take()
    }
}
