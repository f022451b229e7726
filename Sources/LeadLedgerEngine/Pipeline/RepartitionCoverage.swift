import LeadLedgerCore

/// The identity stage's gap-aware de-duplication of the validate stage's
/// records: per inbound source partition, the offsets covered so far
/// (`SourceCoverage`), and the gaps noticed.
///
/// Every repartition record names its source offset and, in
/// `RepartitionHeaders.coversFrom`, the first source offset it accounts for:
/// the offsets from there up to its own were not forwarded (rejected inputs
/// have their own skip marker; transaction markers and offsets below the
/// validate stage's starting point have none). Records without that header
/// (written before it existed) account for everything up to their offset.
struct RepartitionCoverage: Sendable, Hashable {
    /// Coverage per source partition, by "topic/partition".
    private(set) var sources: [String: SourceCoverage<Int64>] = [:]
    /// Gaps noticed since the last `takeDiagnostics()`.
    private var diagnostics: [ProcessorDiagnostic] = []

    init() {}

    /// Whether to apply the record for `offset` of `source` that covers the
    /// offsets from `coversFrom` (nil: everything up to `offset`): false for a
    /// repeat of something covered already.
    mutating func accept(source: String, offset: Int64, coversFrom: Int64?) -> Bool {
        let verdict = sources[source, default: SourceCoverage(origin: -1)].accept(offset, after: coversFrom.map { $0 - 1 })
        if let gap = verdict.opened {
            diagnostics.append(
                ProcessorDiagnostic(
                    .sourceGap,
                    "SOURCE GAP in \(source): offsets \(gap.after + 1)...\(gap.through) have reached neither this stage nor its skip markers; offset \(offset) is applied before them, and they are applied if they arrive later"
                ))
        }
        if let gap = verdict.abandoned {
            diagnostics.append(
                ProcessorDiagnostic(
                    .sourceGapAbandoned,
                    "SOURCE GAP ABANDONED in \(source): offsets \(gap.after + 1)...\(gap.through) never arrived; they now count as seen (inputs there are lost unless they are in the DLQ)"
                ))
        }
        return verdict.apply
    }

    /// The diagnostics noticed since the last call.
    mutating func takeDiagnostics() -> [ProcessorDiagnostic] {
        defer { diagnostics = [] }
        return diagnostics
    }

    /// Deterministic encoding: the number of sources, then per source in key order:
    /// key length, key bytes, prefix, number of pending ranges, then each range's
    /// `after` and `end` (all unsigned 64-bit little endian).
    func bytes() -> [UInt8] {
        var bytes = SnapshotBytes.uint64(UInt64(sources.count))
        for (key, coverage) in sources.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
            bytes += SnapshotBytes.uint64(UInt64(key.utf8.count))
            bytes += Array(key.utf8)
            bytes += SnapshotBytes.uint64(UInt64(bitPattern: coverage.prefix))
            bytes += SnapshotBytes.uint64(UInt64(coverage.pending.count))
            for range in coverage.pending {
                bytes += SnapshotBytes.uint64(UInt64(bitPattern: range.after))
                bytes += SnapshotBytes.uint64(UInt64(bitPattern: range.end))
            }
        }
        return bytes
    }

    /// Decodes `bytes()` from `index`, moving `index` past it.
    /// - Throws: `EngineError(.snapshotUnreadable)` when the bytes are truncated.
    init(bytes: [UInt8], index: inout Int) throws {
        var cursor = SnapshotCursor(bytes: bytes, index: index, context: "identity", part: "source coverage")
        for _ in 0..<(try cursor.count()) {
            let key = try cursor.string()
            let prefix = try cursor.int64()
            var pending: [SourceCoverage<Int64>.Range] = []
            for _ in 0..<(try cursor.count()) {
                let after = try cursor.int64()
                pending.append(SourceCoverage.Range(after: after, end: try cursor.int64()))
            }
            sources[key] = SourceCoverage(prefix: prefix, pending: pending)
        }
        index = cursor.index
    }
}
