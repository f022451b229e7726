/// Makes the envelope of a core snapshot (`LLSN` …, see SnapshotCodec.swift)
/// consistent with its payload: zero reserved bytes, the payload length and the
/// trailing CRC-32 recomputed. Without it almost every mutated snapshot stops
/// at the checksum and the payload decoders are never fuzzed.
enum SnapshotSeal {
    static let headerSize = 20

    /// The input with a valid envelope, or nil when it does not start like a core snapshot.
    static func sealed(_ bytes: [UInt8]) -> [UInt8]? {
        guard bytes.count >= headerSize + 4, bytes.starts(with: Array("LLSN".utf8)) else { return nil }
        var out = bytes
        out[9] = 0
        out[10] = 0
        out[11] = 0
        let payload = UInt64(bytes.count - headerSize - 4)
        for k in 0..<8 {
            out[12 + k] = UInt8(truncatingIfNeeded: payload >> (8 * UInt64(k)))
        }
        let end = bytes.count - 4
        let crc = crc32(out[..<end])
        for k in 0..<4 {
            out[end + k] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(k)))
        }
        return out
    }

    /// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), bit by bit.
    static func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            c ^= UInt32(b)
            for _ in 0..<8 {
                c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1
            }
        }
        return c ^ 0xFFFF_FFFF
    }
}
