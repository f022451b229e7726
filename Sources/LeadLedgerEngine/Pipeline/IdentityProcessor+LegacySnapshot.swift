import LeadLedgerCore

extension IdentityProcessor {
    /// The parts of a format-3 snapshot (`identity/3+resolver/N`, written before
    /// the shared snapshot envelope): the source coverage (a word count of
    /// sources; per source its key, prefix, a word count of pending ranges and
    /// each range's `after` and `end`), the log trail (a word count of slots; per
    /// slot its partition, source, offset and seq), then the resolver's snapshot
    /// to the end. Words are 64-bit little endian, strings length-prefixed.
    static func legacySnapshotParts(_ bytes: [UInt8]) throws(SnapshotError) -> (RepartitionCoverage, LogTrail, [UInt8]) {
        var r = SnapshotReader(bytes, from: 0, to: bytes.count)
        var sources: [String: SourceCoverage<Int64>] = [:]
        for _ in 0..<(try r.legacyCount("coverage sources", minBytes: 24)) {
            let key = try r.legacyString("coverage source")
            let prefix = try r.legacyWord("coverage prefix")
            var pending: [SourceCoverage<Int64>.Range] = []
            for _ in 0..<(try r.legacyCount("coverage ranges", minBytes: 16)) {
                let after = try r.legacyWord("coverage range")
                pending.append(SourceCoverage.Range(after: after, end: try r.legacyWord("coverage range")))
            }
            sources[key] = SourceCoverage(prefix: prefix, pending: pending)
        }
        var latest: [LogTrail.Slot: LineageMark] = [:]
        for _ in 0..<(try r.legacyCount("trail slots", minBytes: 32)) {
            let partitionWord = try r.legacyWord("trail partition")
            guard let partition = Int32(exactly: partitionWord) else {
                throw r.fail("trail partition", "value \(partitionWord) exceeds Int32")
            }
            let source = try r.legacyString("trail source")
            let offset = try r.legacyWord("trail offset")
            let seqWord = try r.legacyWord("trail seq")
            guard let seq = Int(exactly: seqWord) else { throw r.fail("trail seq", "value \(seqWord) exceeds Int") }
            latest[LogTrail.Slot(partition: partition, source: source)] = LineageMark(offset: offset, seq: seq)
        }
        return (RepartitionCoverage(sources: sources), LogTrail(latest: latest), Array(bytes[r.position...]))
    }
}
