/// Sixteen lowercase hexadecimal digits per 64-bit value: how lead ids
/// (`ld_…`), decision ids (`dc_…`) and state hashes are written. The one parser
/// of those digits.
package enum LowercaseHex {
    /// The value of the 16 lowercase hex digits at `start` in `bytes` (which must
    /// hold them); nil when any of them is not `0`–`9` or `a`–`f`.
    package static func value(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> UInt64? {
        var v: UInt64 = 0
        for k in start..<(start + 16) {
            let c = bytes[k]
            let d: UInt8
            switch c {
            case 0x30...0x39: d = c - 0x30
            case 0x61...0x66: d = c - 0x57
            default: return nil
            }
            v = v << 4 | UInt64(d)
        }
        return v
    }
}
