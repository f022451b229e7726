import LeadLedgerCore

/// What the identity stage wrote last to each canonical-log partition, per
/// source partition: the lineage mark of the latest event. Each new event
/// names the previous one's mark (`CanonicalLogHeaders.after`), so the
/// materialize stage can tell a re-sent event it has not applied from a
/// repeat, and notice events that never arrived.
///
/// Part of the identity state (a pure function of the repartition records
/// applied), so a re-sent event carries the same header as the first time.
struct LogTrail: Sendable, Hashable {
    /// A log partition and a source "topic/partition".
    struct Slot: Sendable, Hashable {
        var partition: Int32
        var source: String
    }

    /// The latest mark written per slot.
    private(set) var latest: [Slot: LineageMark] = [:]

    init() {}

    /// Records that the event of `source` at `mark` is written to log
    /// `partition`; returns the mark of the previous one written there
    /// (`LineageMark.origin` when none).
    mutating func write(partition: Int32, source: String, mark: LineageMark) -> LineageMark {
        let slot = Slot(partition: partition, source: source)
        defer { latest[slot] = mark }
        return latest[slot] ?? .origin
    }

    /// Writes the trail deterministically: the number of slots, then per slot in
    /// (partition, source UTF-8) order: the partition, the source, and the mark's
    /// offset and seq (zig-zag varints).
    func write(to w: inout SnapshotWriter) {
        let slots = latest.sorted { lhs, rhs in
            lhs.key.partition != rhs.key.partition
                ? lhs.key.partition < rhs.key.partition : lhs.key.source.utf8.lexicographicallyPrecedes(rhs.key.source.utf8)
        }
        w.varint(slots.count)
        for (slot, mark) in slots {
            w.zigzag(Int64(slot.partition))
            w.string(slot.source)
            w.zigzag(mark.offset)
            w.zigzag(Int64(mark.seq))
        }
    }

    /// Reads what ``write(to:)`` wrote.
    init(reading r: inout SnapshotReader) throws(SnapshotError) {
        for _ in 0..<(try r.count("trail slots", minBytes: 4)) {
            let partitionValue = try r.zigzag("trail partition")
            guard let partition = Int32(exactly: partitionValue) else {
                throw r.fail("trail partition", "value \(partitionValue) exceeds Int32")
            }
            let slot = Slot(partition: partition, source: try r.string("trail source"))
            guard latest[slot] == nil else { throw r.fail("trail source", "\(slot.source) twice in partition \(partition)") }
            let offset = try r.zigzag("trail offset")
            latest[slot] = LineageMark(offset: offset, seq: try r.int("trail seq"))
        }
    }

    /// Restores a trail from its marks (the format-3 snapshot reader).
    init(latest: [Slot: LineageMark]) {
        self.latest = latest
    }
}
