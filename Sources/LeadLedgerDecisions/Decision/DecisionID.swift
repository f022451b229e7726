import Foundation
import LeadLedgerCore

/// Content-derived ids: FNV-1a 64 with two different offset bases over the
/// same bytes, 32 hex digits.
package enum DecisionID {
    /// `dc_` + 32 hex from (log partition, log offset, decision kind).
    package static func make(partition: Int32, offset: Int64, kind: String) -> String {
        var h = Hash(partition: partition, offset: offset)
        for b in kind.utf8 { h.mix(b) }
        return h.text
    }

    /// As ``make(partition:offset:kind:)`` with kind `prefix + lead.description` (no string made:
    /// the bytes of `ld_` and the id's 16 lowercase hex digits are hashed as they are computed).
    static func make(partition: Int32, offset: Int64, prefix: StaticString, lead: LeadID) -> String {
        var h = Hash(partition: partition, offset: offset)
        prefix.withUTF8Buffer { for b in $0 { h.mix(b) } }
        for b in "ld_".utf8 { h.mix(b) }
        for i in 0..<16 {
            let d = UInt8((lead.raw >> UInt64(60 - 4 * i)) & 15)
            h.mix(d < 10 ? 0x30 + d : 0x57 + d)
        }
        return h.text
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
        var text: String {
            String(unsafeUninitializedCapacity: 35) { buf in
                buf[0] = 0x64
                buf[1] = 0x63
                buf[2] = 0x5F  // "dc_"
                DecisionID.writeHex(h1.value, into: buf, at: 3)
                DecisionID.writeHex(h2.value, into: buf, at: 19)
                return 35
            }
        }
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
