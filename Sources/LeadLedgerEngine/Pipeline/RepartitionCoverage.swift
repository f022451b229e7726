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

    /// Writes the coverage deterministically: the number of sources, then per
    /// source in key (UTF-8) order: the key, the prefix, the number of pending
    /// ranges and each range's `after` and `end` (offsets as zig-zag varints).
    func write(to w: inout SnapshotWriter) {
        w.varint(sources.count)
        for (key, coverage) in sources.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
            w.string(key)
            w.zigzag(coverage.prefix)
            w.varint(coverage.pending.count)
            for range in coverage.pending {
                w.zigzag(range.after)
                w.zigzag(range.end)
            }
        }
    }

    /// Reads what ``write(to:)`` wrote.
    init(reading r: inout SnapshotReader) throws(SnapshotError) {
        for _ in 0..<(try r.count("coverage sources", minBytes: 3)) {
            let key = try r.string("coverage source")
            guard sources[key] == nil else { throw r.fail("coverage source", "\(key) twice") }
            let prefix = try r.zigzag("coverage prefix")
            var pending: [SourceCoverage<Int64>.Range] = []
            for _ in 0..<(try r.count("coverage ranges", minBytes: 2)) {
                let after = try r.zigzag("coverage range")
                let end = try r.zigzag("coverage range")
                guard prefix < after, after < end, pending.last.map({ $0.end < after }) ?? true else {
                    throw r.fail("coverage ranges", "ranges out of order")
                }
                pending.append(SourceCoverage.Range(after: after, end: end))
            }
            sources[key] = SourceCoverage(prefix: prefix, pending: pending)
        }
    }

    /// Restores a coverage from its parts (the format-3 snapshot reader).
    init(sources: [String: SourceCoverage<Int64>]) {
        self.sources = sources
    }
}
