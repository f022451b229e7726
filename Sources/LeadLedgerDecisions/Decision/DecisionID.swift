import Foundation
import LeadLedgerCore

/// A content-derived decision id: two FNV-1a 64 hashes with different offset
/// bases over the same bytes, written `dc_` + 32 lowercase hex digits.
///
/// Decision state keeps the id of the decision that set each lead's route as
/// these 16 bytes, not as its 35-character text: a `String` that long is a
/// heap object of its own, one per lead. Records write the text straight from
/// the value (``RecordWriting/decisionID(_:)``).
package struct DecisionID: Sendable, Hashable, CustomStringConvertible {
    /// The first hash (the first 16 hex digits).
    package let high: UInt64
    /// The second hash (the last 16 hex digits).
    package let low: UInt64

    /// The id of the two hashes.
    package init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Reads `dc_` + 32 lowercase hex digits; nil for any other text.
    package init?(_ text: String) {
        var text = text
        guard let parsed = text.withUTF8({ Self.parse($0) }) else { return nil }
        self = parsed
    }

    /// The text: `dc_` + 32 lowercase hex digits.
    package var text: String {
        String(unsafeUninitializedCapacity: Self.textLength) { buf in
            write(into: buf)
            return Self.textLength
        }
    }

    package var description: String { text }

    /// The length of ``text`` in bytes.
    package static let textLength = 35

    /// Writes ``text``'s bytes to the first ``textLength`` bytes of `buf`.
    package func write(into buf: UnsafeMutableBufferPointer<UInt8>) {
        buf[0] = 0x64
        buf[1] = 0x63
        buf[2] = 0x5F  // "dc_"
        Self.writeHex(high, into: buf, at: 3)
        Self.writeHex(low, into: buf, at: 19)
    }

    /// Mixes ``text``'s bytes into `h` as `StableHash.string(text)` does (the
    /// bytes, then 0xFF), without making the String: state hashes name the
    /// previous decision this way.
    package func mix(into h: inout StableHash) {
        func hex(_ v: UInt64) {
            for i in 0..<16 {
                let d = UInt8((v >> UInt64(60 - 4 * i)) & 15)
                h.byte(d < 10 ? 0x30 + d : 0x57 + d)
            }
        }
        h.byte(0x64)
        h.byte(0x63)
        h.byte(0x5F)
        hex(high)
        hex(low)
        h.byte(0xFF)
    }

    /// The id of (log partition, log offset, decision kind).
    package static func make(partition: Int32, offset: Int64, kind: String) -> DecisionID {
        var h = Hash(partition: partition, offset: offset)
        for b in kind.utf8 { h.mix(b) }
        return h.id
    }

    /// As ``make(partition:offset:kind:)`` with kind `prefix + lead.description` (no string made:
    /// the bytes of `ld_` and the id's 16 lowercase hex digits are hashed as they are computed).
    static func make(partition: Int32, offset: Int64, prefix: StaticString, lead: LeadID) -> DecisionID {
        var h = Hash(partition: partition, offset: offset)
        prefix.withUTF8Buffer { for b in $0 { h.mix(b) } }
        for b in "ld_".utf8 { h.mix(b) }
        for i in 0..<16 {
            let d = UInt8((lead.raw >> UInt64(60 - 4 * i)) & 15)
            h.mix(d < 10 ? 0x30 + d : 0x57 + d)
        }
        return h.id
    }

    /// Two FNV-1a 64 streams (``StableHash``) with different seeds over the same bytes.
    struct Hash {
        var h1 = StableHash()
        var h2 = StableHash(seed: 0x6c62_272e_07bb_0142)
        init(partition: Int32, offset: Int64) {
            for s in stride(from: 24, through: 0, by: -8) { mix(UInt8(truncatingIfNeeded: Int64(partition) >> Int64(s))) }
            for s in stride(from: 56, through: 0, by: -8) { mix(UInt8(truncatingIfNeeded: offset >> Int64(s))) }
            mix(0x1F)
        }
        @inline(__always) mutating func mix(_ b: UInt8) {
            h1.byte(b)
            h2.byte(b)
        }
        var id: DecisionID { DecisionID(high: h1.value, low: h2.value) }
    }

    static func parse(_ u: UnsafeBufferPointer<UInt8>) -> DecisionID? {
        guard u.count == textLength, u[0] == 0x64, u[1] == 0x63, u[2] == 0x5F else { return nil }
        guard let high = LowercaseHex.value(u, at: 3), let low = LowercaseHex.value(u, at: 19) else { return nil }
        return DecisionID(high: high, low: low)
    }

    static func writeHex(_ v: UInt64, into buf: UnsafeMutableBufferPointer<UInt8>, at start: Int) {
        for i in 0..<16 {
            let d = UInt8((v >> UInt64(60 - 4 * i)) & 15)
            buf[start + i] = d < 10 ? 0x30 + d : 0x57 + d
        }
    }

    static func hex16(_ v: UInt64) -> String {
        String(unsafeUninitializedCapacity: 16) { buf in
            writeHex(v, into: buf, at: 0)
            return 16
        }
    }
}
