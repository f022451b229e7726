/// The position of one canonical event within its source partition: the
/// source offset, then the event's ordinal among the events of that source
/// message (`Lineage.seq`). The identity stage writes the events of one source
/// partition in increasing marks, so a log partition's events of one source
/// partition form an ordered stream the materialize stage can de-duplicate
/// with a `SourceCoverage<LineageMark>`.
package struct LineageMark: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The source offset.
    package var offset: Int64
    /// The ordinal among the canonical events of the source message.
    package var seq: Int

    /// Creates a mark.
    package init(offset: Int64, seq: Int) {
        self.offset = offset
        self.seq = seq
    }

    /// The mark of an event's lineage.
    package init(_ lineage: Lineage) {
        self.init(offset: lineage.position.offset, seq: lineage.seq)
    }

    /// Below every event's mark: "nothing of this source before".
    package static let origin = LineageMark(offset: -1, seq: 0)

    package static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.offset, lhs.seq) < (rhs.offset, rhs.seq)
    }

    /// `<offset>/<seq>`, the header form (`init(header:)` reads it back).
    package var description: String { "\(offset)/\(seq)" }

    /// Reads `description`'s form; nil for anything else.
    package init?(header: String) {
        let parts = header.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let offset = Int64(parts[0]), let seq = Int(parts[1]), offset >= -1, seq >= 0 else { return nil }
        self.init(offset: offset, seq: seq)
    }
}
