import Foundation

/// Fast writer of the stable record encoding: the caller emits object keys in
/// sorted (UTF-8 byte) order; floats are rounded to ``RecordJSON/decimals``
/// decimal places and written in plain decimal notation without exponent or
/// trailing zeros (`0.5`, `12`, `-0.000125`); NaN/±∞ are written as `null`.
/// No whitespace, one trailing newline per record.
public struct RecordJSON: Sendable {
    /// Fractional digits kept for floats.
    public static let decimals = 6
    static let scale = 1_000_000.0

    public private(set) var bytes: [UInt8] = []
    var needsComma: [Bool] = []

    public init() { bytes.reserveCapacity(1024) }

    /// Rounds `v` the way the writer does (for tests and for summing rounded parts).
    public static func rounded(_ v: Double) -> Double { (v * scale).rounded(.toNearestOrAwayFromZero) / scale }

    mutating func comma() {
        if let last = needsComma.last {
            if last { bytes.append(0x2C) } else { needsComma[needsComma.count - 1] = true }
        }
    }
    mutating func beginObject() { comma(); bytes.append(0x7B); needsComma.append(false) }
    mutating func endObject() { bytes.append(0x7D); needsComma.removeLast() }
    mutating func beginArray() { comma(); bytes.append(0x5B); needsComma.append(false) }
    mutating func endArray() { bytes.append(0x5D); needsComma.removeLast() }
    mutating func key(_ k: StaticString) {
        comma()
        bytes.append(0x22)
        k.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(0x22); bytes.append(0x3A)
        needsComma[needsComma.count - 1] = false
    }
    mutating func key(_ k: String) {
        comma()
        rawString(k)
        bytes.append(0x3A)
        needsComma[needsComma.count - 1] = false
    }
    mutating func null() { comma(); bytes.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C]) }
    mutating func bool(_ b: Bool) { comma(); if b { bytes.append(contentsOf: [0x74, 0x72, 0x75, 0x65]) } else { bytes.append(contentsOf: [0x66, 0x61, 0x6C, 0x73, 0x65]) } }
    mutating func int(_ v: Int64) {
        comma()
        if v < 0 { bytes.append(0x2D) }
        appendDigits(v.magnitude)
    }
    mutating func appendDigits(_ m: UInt64) {
        var m = m
        var tmp: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &tmp) { buf in
            repeat { buf[n] = UInt8(m % 10) + 0x30; m /= 10; n += 1 } while m > 0
            for i in stride(from: n - 1, through: 0, by: -1) { bytes.append(buf[i]) }
        }
    }
    mutating func double(_ v: Double) {
        guard v.isFinite, abs(v) < 9.0e12 else { null(); return }
        comma()
        let s = (v * Self.scale).rounded(.toNearestOrAwayFromZero)
        if s == 0 { bytes.append(0x30); return }
        if s < 0 { bytes.append(0x2D) }
        let m = UInt64(abs(s))
        appendDigits(m / 1_000_000)
        var frac = m % 1_000_000
        if frac != 0 {
            bytes.append(0x2E)
            var digits = 6
            while frac % 10 == 0 { frac /= 10; digits -= 1 }
            var div: UInt64 = 1
            for _ in 1..<digits { div *= 10 }
            while div > 0 { bytes.append(UInt8(frac / div % 10) + 0x30); div /= 10 }
        }
    }
    mutating func string(_ s: String) { comma(); rawString(s) }
    mutating func optString(_ s: String?) { if let s { string(s) } else { null() } }
    /// Appends pre-encoded bytes (e.g. a `"key":` prefix) after the separator.
    mutating func rawKey(_ encoded: [UInt8]) {
        comma()
        bytes.append(contentsOf: encoded)
        needsComma[needsComma.count - 1] = false
    }

    /// The bytes of `"key":` for a key.
    static func encodedKey(_ k: String) -> [UInt8] {
        var w = RecordJSON()
        w.rawString(k)
        w.bytes.append(0x3A)
        return w.bytes
    }

    mutating func rawString(_ s: String) {
        var s = s
        let fast: Bool = s.withUTF8 { buf in
            for b in buf where b < 0x20 || b == 0x22 || b == 0x5C { return false }
            bytes.append(0x22)
            bytes.append(contentsOf: buf)
            bytes.append(0x22)
            return true
        }
        if fast { return }
        bytes.append(0x22)
        for b in s.utf8 {
            switch b {
            case 0x22: bytes.append(0x5C); bytes.append(0x22)
            case 0x5C: bytes.append(0x5C); bytes.append(0x5C)
            case 0x0A: bytes.append(0x5C); bytes.append(UInt8(ascii: "n"))
            case 0x0D: bytes.append(0x5C); bytes.append(UInt8(ascii: "r"))
            case 0x09: bytes.append(0x5C); bytes.append(UInt8(ascii: "t"))
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 15)]])
            default: bytes.append(b)
            }
        }
        bytes.append(0x22)
    }
    mutating func finish() -> [UInt8] { bytes.append(0x0A); defer { bytes = []; needsComma = [] }; return bytes }
}

/// Content-derived ids: FNV-1a 64 with two different offset bases over the
/// same bytes, 32 hex digits.
public enum DecisionID {
    /// `dc_` + 32 hex from (log partition, log offset, decision kind).
    public static func make(partition: Int32, offset: Int64, kind: String) -> String {
        var h1: UInt64 = 0xcbf2_9ce4_8422_2325
        var h2: UInt64 = 0x6c62_272e_07bb_0142
        @inline(__always) func mix(_ b: UInt8) {
            h1 = (h1 ^ UInt64(b)) &* 0x0000_0100_0000_01B3
            h2 = (h2 ^ UInt64(b)) &* 0x0000_0100_0000_01B3
        }
        for s in stride(from: 24, through: 0, by: -8) { mix(UInt8(truncatingIfNeeded: Int64(partition) >> Int64(s))) }
        for s in stride(from: 56, through: 0, by: -8) { mix(UInt8(truncatingIfNeeded: offset >> Int64(s))) }
        mix(0x1F)
        for b in kind.utf8 { mix(b) }
        return "dc_" + hex16(h1) + hex16(h2)
    }

    static func hex16(_ v: UInt64) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8](repeating: 0, count: 16)
        for i in 0..<16 { out[i] = digits[Int((v >> UInt64(60 - 4 * i)) & 15)] }
        return String(decoding: out, as: UTF8.self)
    }
}

/// FNV-1a 64 accumulator for state hashes.
struct FNV64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    mutating func byte(_ b: UInt8) { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
    mutating func u64(_ v: UInt64) { for s in stride(from: 56, through: 0, by: -8) { byte(UInt8(truncatingIfNeeded: v >> UInt64(s))) } }
    mutating func string(_ s: String) { for b in s.utf8 { byte(b) }; byte(0xFF) }
}
