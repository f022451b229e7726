/// The envelope shared by all snapshots (little-endian):
///
/// | offset | size | field |
/// |---|---|---|
/// | 0 | 4 | magic `LLSN` |
/// | 4 | 4 | format version (u32) |
/// | 8 | 1 | type tag (``SnapshotTag``) |
/// | 9 | 3 | reserved, zero |
/// | 12 | 8 | payload length n (u64) |
/// | 20 | n | payload |
/// | 20+n | 4 | CRC-32 (IEEE) of bytes 0..<20+n |
package enum SnapshotEnvelope {
    package static let magic: [UInt8] = Array("LLSN".utf8)
    package static let headerSize = 20

    /// Starts a writer with the header (payload length patched by ``finish(_:)``).
    package static func begin(tag: SnapshotTag, version: UInt32, capacity: Int) -> SnapshotWriter {
        var w = SnapshotWriter(capacity: capacity + headerSize + 4)
        w.append(magic)
        w.u32(version)
        w.u8(tag.rawValue)
        w.append([0, 0, 0])
        w.u64(0)
        return w
    }

    /// Patches the payload length and appends the checksum.
    package static func finish(_ w: inout SnapshotWriter) -> [UInt8] {
        let n = UInt64(w.count - headerSize)
        for k in 0..<8 { w.patch(12 + k, UInt8(truncatingIfNeeded: n >> (8 * UInt64(k)))) }
        let crc = CRC32.checksum(w.written)
        w.u32(crc)
        return w.take()
    }

    /// Checks the envelope and returns a reader positioned at the payload.
    package static func open(_ bytes: [UInt8], tag: SnapshotTag, version: UInt32) throws(SnapshotError) -> SnapshotReader {
        guard bytes.count >= headerSize + 4 else {
            throw SnapshotError(.truncated, "\(bytes.count) bytes, shorter than header and checksum (\(headerSize + 4))")
        }
        guard Array(bytes[0..<4]) == magic else { throw SnapshotError(.badMagic, "first bytes \(Array(bytes[0..<4])) are not LLSN") }
        var h = SnapshotReader(bytes, from: 4, to: headerSize)
        let v = try h.u32("version")
        // The type first: each type has its own format versions.
        let t = try h.u8("tag")
        guard t == tag.rawValue else { throw SnapshotError(.wrongType, "type tag \(t), expected \(tag.rawValue) (\(tag))") }
        guard v == version else { throw SnapshotError(.unsupportedVersion, "format version \(v), this build reads \(version)") }
        guard bytes[9] == 0, bytes[10] == 0, bytes[11] == 0 else { throw SnapshotError(.corrupt, "reserved header bytes are not zero") }
        h.position = 12
        let n = try h.u64("payload length")
        let available = UInt64(bytes.count - headerSize - 4)
        guard n <= available else { throw SnapshotError(.truncated, "payload length \(n), only \(available) bytes present") }
        guard n == available else { throw SnapshotError(.corrupt, "payload length \(n), but \(available) bytes follow the header") }
        let end = headerSize + Int(n)
        let stored = UInt32(bytes[end]) | UInt32(bytes[end + 1]) << 8 | UInt32(bytes[end + 2]) << 16 | UInt32(bytes[end + 3]) << 24
        let actual = CRC32.checksum(bytes[0..<end])
        guard stored == actual else {
            throw SnapshotError(.checksumMismatch, "stored CRC-32 \(String(stored, radix: 16)), computed \(String(actual, radix: 16))")
        }
        return SnapshotReader(bytes, from: headerSize, to: end)
    }
}
