import LeadLedgerCore

/// Reading the engine's format-3 processor snapshots (identity `identity/3`,
/// materialize `materialize/3`), written before they shared the snapshot
/// envelope: every number an unsigned 64-bit little-endian word, every string
/// or nested part a word length then its bytes. Only the legacy readers use these.
extension SnapshotReader {
    /// The next word as a signed value.
    mutating func legacyWord(_ what: String) throws(SnapshotError) -> Int64 { Int64(bitPattern: try u64(what)) }

    /// A word count of items that each take at least `minBytes` bytes.
    mutating func legacyCount(_ what: String, minBytes: Int) throws(SnapshotError) -> Int {
        let n = try u64(what)
        guard n <= UInt64(remaining / minBytes) else { throw fail(what, "count \(n) exceeds the remaining \(remaining) bytes") }
        return Int(n)
    }

    /// A word length, then that many bytes.
    mutating func legacyBytes(_ what: String) throws(SnapshotError) -> [UInt8] {
        let n = try u64(what)
        guard n <= UInt64(remaining) else { throw fail(what, "length \(n) exceeds the remaining \(remaining) bytes") }
        defer { position += Int(n) }
        return Array(bytes[position..<(position + Int(n))])
    }

    /// A word length, then that many bytes of UTF-8.
    mutating func legacyString(_ what: String) throws(SnapshotError) -> String {
        let b = try legacyBytes(what)
        guard let s = String(validating: b, as: UTF8.self) else { throw fail(what, "invalid UTF-8") }
        return s
    }
}
