import LeadLedgerCore

extension MaterializeProcessor {
    /// The parts of a format-3 snapshot (`materialize/3+ledger/L+decisions/D`,
    /// written before the shared snapshot envelope): the configuration tag
    /// `<modelVersion>/<rulesetVersion>`, the model activation (canonical JSON)
    /// and the ledger's snapshot, each a 64-bit length then its bytes, the
    /// decision state's snapshot, and a 64-bit `StableHash` of everything before
    /// it (numbers little endian).
    static func legacySnapshotParts(_ bytes: [UInt8]) throws -> SnapshotParts {
        guard bytes.count >= 32 else { throw SnapshotError(.truncated, "\(bytes.count) bytes, too short for a format-3 snapshot") }
        let end = bytes.count - 8
        var footer = SnapshotReader(bytes, from: end, to: bytes.count)
        let stored = try footer.u64("checksum")
        let actual = StableHash.of(bytes[..<end])
        guard stored == actual else {
            throw SnapshotError(.checksumMismatch, "stored StableHash \(String(stored, radix: 16)), computed \(String(actual, radix: 16))")
        }
        var r = SnapshotReader(bytes, from: 0, to: end)
        let tag = try r.legacyString("configuration")
        let versions = tag.split(separator: "/", omittingEmptySubsequences: false)
        let activation = try ModelActivation(legacyJSON: try r.legacyBytes("model activation"))
        let ledger = try r.legacyBytes("ledger snapshot")
        let decisions = Array(bytes[r.position..<end])
        return (String(versions.first ?? ""), String(versions.last ?? ""), activation, ledger, decisions)
    }
}
