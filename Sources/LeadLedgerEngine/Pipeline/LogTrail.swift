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

    /// Deterministic encoding: the number of slots, then per slot in (partition,
    /// source bytes) order: partition, source length, source bytes, offset and
    /// seq (all unsigned 64-bit little endian, two's complement).
    func bytes() -> [UInt8] {
        let slots = latest.sorted { lhs, rhs in
            lhs.key.partition != rhs.key.partition
                ? lhs.key.partition < rhs.key.partition : lhs.key.source.utf8.lexicographicallyPrecedes(rhs.key.source.utf8)
        }
        var bytes = SnapshotBytes.uint64(UInt64(slots.count))
        for (slot, mark) in slots {
            bytes += SnapshotBytes.uint64(UInt64(bitPattern: Int64(slot.partition)))
            bytes += SnapshotBytes.uint64(UInt64(slot.source.utf8.count))
            bytes += Array(slot.source.utf8)
            bytes += SnapshotBytes.uint64(UInt64(bitPattern: mark.offset))
            bytes += SnapshotBytes.uint64(UInt64(bitPattern: Int64(mark.seq)))
        }
        return bytes
    }

    /// Decodes `bytes()` from `index`, moving `index` past it.
    /// - Throws: `EngineError(.snapshotUnreadable)` when the bytes are truncated or out of range.
    init(bytes: [UInt8], index: inout Int) throws {
        var cursor = SnapshotCursor(bytes: bytes, index: index, context: "identity", part: "log trail")
        for _ in 0..<(try cursor.count()) {
            guard let partition = Int32(exactly: try cursor.int64()) else { throw cursor.unreadable() }
            let source = try cursor.string()
            let offset = try cursor.int64()
            guard let seq = Int(exactly: try cursor.int64()) else { throw cursor.unreadable() }
            latest[Slot(partition: partition, source: source)] = LineageMark(offset: offset, seq: seq)
        }
        index = cursor.index
    }
}
