/// FNV-1a, 64 bit: the one stable (process- and platform-independent) hash of the
/// package, for ids (lead ids, event ids, decision ids), state hashes and snapshot
/// checksums. Not cryptographic: it tells states apart and detects corruption, not
/// tampering (SHA-256 versions models and rule sets).
///
/// Every way of feeding it is defined on bytes, so the values written into records
/// and snapshots are the same on every build:
/// - ``combine(_:)-(Collection)``, ``byte(_:)``: the bytes as given;
/// - ``combine(_:)-(Int64)``: an integer's 8 bytes, least significant first;
/// - ``u64(_:)``: an integer's 8 bytes, most significant first;
/// - ``string(_:)``: a string's UTF-8 bytes, then 0xFF;
/// - ``hex16(_:)``: the 16 lowercase hex digits of an integer, then 0xFF.
package struct StableHash: Sendable, Hashable {
    /// FNV-1a's 64-bit offset basis, the default seed.
    package static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    /// FNV's 64-bit prime.
    package static let prime: UInt64 = 0x0000_0100_0000_01B3

    /// The current hash value.
    package var value: UInt64

    /// A fresh hash from `seed` (FNV-1a's offset basis unless given).
    @inlinable package init(seed: UInt64 = StableHash.offsetBasis) { value = seed }

    /// Continues from a previous value.
    @inlinable package init(value: UInt64) { self.value = value }

    /// Mixes one byte.
    @inlinable @inline(__always) package mutating func byte(_ b: UInt8) { value = (value ^ UInt64(b)) &* Self.prime }

    /// Mixes bytes.
    @inlinable package mutating func combine<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        for b in bytes { byte(b) }
    }

    /// Mixes a 64-bit integer, little endian.
    @inlinable package mutating func combine(_ integer: Int64) {
        var v = UInt64(bitPattern: integer)
        for _ in 0..<8 {
            byte(UInt8(truncatingIfNeeded: v))
            v >>= 8
        }
    }

    /// Mixes the decimal digits of `v` (with a leading `-` when negative), the UTF-8 of
    /// `String(v)` without making the String.
    @inlinable package mutating func decimal(_ v: Int64) {
        if v < 0 { byte(0x2D) }
        let m = v.magnitude
        var scale: UInt64 = 1
        while m / scale >= 10 { scale &*= 10 }
        while scale > 0 {
            byte(UInt8(truncatingIfNeeded: (m / scale) % 10) &+ 0x30)
            scale /= 10
        }
    }

    /// Mixes the 8 bytes of `v`, most significant first. Zero bytes at either end
    /// of the word are folded into one multiplication each (`(h ^ 0) &* p == h &* p`,
    /// so `k` zero bytes are `h &* p^k`): small integers and doubles with short
    /// mantissas are mostly zeros.
    @inlinable @inline(__always) package mutating func u64(_ v: UInt64) {
        if v == 0 {
            value = value &* Self.primePower(8)
            return
        }
        let leading = v.leadingZeroBitCount >> 3
        let trailing = v.trailingZeroBitCount >> 3
        value = value &* Self.primePower(leading)
        var shift = 56 - 8 * leading
        while shift >= 8 * trailing {
            byte(UInt8(truncatingIfNeeded: v >> UInt64(shift)))
            shift -= 8
        }
        value = value &* Self.primePower(trailing)
    }

    /// Mixes the string's UTF-8 bytes (read from its contiguous storage), then 0xFF.
    @inlinable @inline(__always) package mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { for b in $0 { byte(b) } }
        byte(0xFF)
    }

    /// Mixes the 16 lowercase hex digits of `v`, then 0xFF (the same as
    /// `string(hex(v))` without making the String).
    @inlinable package mutating func hex16(_ v: UInt64) {
        for i in 0..<16 {
            let d = UInt8((v >> UInt64(60 - 4 * i)) & 15)
            byte(d < 10 ? 0x30 + d : 0x57 + d)
        }
        byte(0xFF)
    }

    /// The FNV prime to the power `k` (0...8), wrapping.
    @inlinable @inline(__always) package static func primePower(_ k: Int) -> UInt64 {
        switch k {
        case 0: 0x0000_0000_0000_0001
        case 1: 0x0000_0100_0000_01B3
        case 2: 0x0003_6600_0002_E329
        case 3: 0x08A9_7B00_04E7_FEAB
        case 4: 0x9FFA_AC08_5635_BC91
        case 5: 0x0CAE_E32A_7D4F_6A63
        case 6: 0xDC96_6432_EDF1_C639
        case 7: 0xC552_7B8A_51D3_D2DB
        default: 0x1EFA_C709_0AEF_4A21
        }
    }

    /// The hash of `bytes`.
    @inlinable package static func of<C: Collection>(_ bytes: C) -> UInt64 where C.Element == UInt8 {
        var hash = StableHash()
        hash.combine(bytes)
        return hash.value
    }

    /// The hash of a string's UTF-8 bytes (no terminator), from `seed`.
    @inlinable package static func of(_ s: String, seed: UInt64 = StableHash.offsetBasis) -> UInt64 {
        var hash = StableHash(seed: seed)
        hash.combine(s.utf8)
        return hash.value
    }

    /// 16 lowercase hex digits of ``value``.
    package var hex: String { Self.hex(value) }

    /// 16 lowercase hex digits of `v`.
    package static func hex(_ v: UInt64) -> String {
        String(unsafeUninitializedCapacity: 16) { out in
            for i in 0..<16 {
                let d = UInt8((v >> UInt64(60 - 4 * i)) & 15)
                out[i] = d < 10 ? 0x30 + d : 0x57 + d
            }
            return 16
        }
    }
}
