/// Reads the engine's snapshot encodings (little-endian `UInt64` words and
/// length-prefixed UTF-8, as ``SnapshotBytes`` writes them) from a position,
/// throwing one `snapshot_unreadable` error that names the part when the bytes
/// end early or a count cannot be right.
struct SnapshotCursor {
    let bytes: [UInt8]
    /// The position of the next byte to read.
    var index: Int
    /// Where the bytes come from, for the error (e.g. `identity`).
    let context: String
    /// What is being decoded, for the error (e.g. `log trail`).
    let part: String

    /// The error for bytes that end early or hold an impossible value.
    func unreadable() -> EngineError { EngineError(.snapshotUnreadable, context: context, "truncated \(part)") }

    /// The next word.
    mutating func uint64() throws -> UInt64 {
        guard index + 8 <= bytes.count else { throw unreadable() }
        defer { index += 8 }
        return SnapshotBytes.readUInt64(bytes, at: index)
    }

    /// The next word as a signed value.
    mutating func int64() throws -> Int64 { Int64(bitPattern: try uint64()) }

    /// The next word as a count of items that each take at least one byte.
    mutating func count() throws -> UInt64 {
        let count = try uint64()
        guard count <= UInt64(bytes.count) else { throw unreadable() }
        return count
    }

    /// A length-prefixed UTF-8 string.
    mutating func string() throws -> String {
        let length = Int(clamping: try uint64())
        guard length <= bytes.count - index else { throw unreadable() }
        defer { index += length }
        return String(decoding: bytes[index..<(index + length)], as: UTF8.self)
    }
}
