/// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), slicing-by-8.
enum CRC32 {
    static let tables: [[UInt32]] = {
        var t = [[UInt32]](repeating: [UInt32](repeating: 0, count: 256), count: 8)
        for i in 0..<256 {
            var c = UInt32(i)
            for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
            t[0][i] = c
        }
        for i in 0..<256 {
            for k in 1..<8 { t[k][i] = (t[k - 1][i] >> 8) ^ t[0][Int(t[k - 1][i] & 0xFF)] }
        }
        return t
    }()
    static let flat: [UInt32] = tables.flatMap { $0 }

    /// The CRC-32 of `bytes`.
    static func checksum<C: Collection<UInt8>>(_ bytes: C) -> UInt32 {
        let flat = Self.flat
        let result = bytes.withContiguousStorageIfAvailable { buf -> UInt32 in
            flat.withUnsafeBufferPointer { t in
                var c: UInt32 = 0xFFFF_FFFF
                var i = 0
                let n = buf.count
                while i + 8 <= n {
                    let lo = c ^ (UInt32(buf[i]) | UInt32(buf[i + 1]) << 8 | UInt32(buf[i + 2]) << 16 | UInt32(buf[i + 3]) << 24)
                    c =
                        t[7 * 256 + Int(lo & 0xFF)] ^ t[6 * 256 + Int((lo >> 8) & 0xFF)]
                        ^ t[5 * 256 + Int((lo >> 16) & 0xFF)] ^ t[4 * 256 + Int(lo >> 24)]
                        ^ t[3 * 256 + Int(buf[i + 4])] ^ t[2 * 256 + Int(buf[i + 5])]
                        ^ t[1 * 256 + Int(buf[i + 6])] ^ t[Int(buf[i + 7])]
                    i += 8
                }
                while i < n {
                    c = t[Int((c ^ UInt32(buf[i])) & 0xFF)] ^ (c >> 8)
                    i += 1
                }
                return c ^ 0xFFFF_FFFF
            }
        }
        if let result { return result }
        return checksum(Array(bytes))
    }
}
