/// Gap-aware de-duplication state of one upstream source partition: which of
/// its positions a downstream stage has already covered, that is applied, or
/// been told were not forwarded to it (rejected inputs, transaction markers).
///
/// An upstream stage sends its outputs of one source partition in order, each
/// naming the range of positions it accounts for: `(after, end]`, where `end`
/// is the record's own position and `after` the position accounted for by the
/// upstream's previous output (everything in between was not forwarded). After
/// a failed delivery the upstream re-sends older outputs, so records can
/// arrive out of order. The coverage keeps a contiguous prefix (every position
/// at or below `prefix` is covered) plus the ranges covered out of order above
/// it, so that:
/// - a record already covered is a repeat and is skipped;
/// - a record not yet covered is applied, even when it lies below the highest
///   position seen (a plain high-water mark would skip it and lose it);
/// - a record whose range does not join what is covered reveals a gap: the
///   positions between are missing, reported once when seen.
///
/// Deterministic: the verdicts depend only on the sequence of ranges given, so
/// a replay of the same input makes the same ones.
package struct SourceCoverage<Mark: Comparable & Hashable & Sendable>: Sendable, Hashable {
    /// Positions `(after, end]` covered above the prefix, applied out of order.
    package struct Range: Sendable, Hashable {
        /// The position just below the range.
        package var after: Mark
        /// The last position in the range.
        package var end: Mark

        /// Creates a range.
        package init(after: Mark, end: Mark) {
            self.after = after
            self.end = end
        }
    }

    /// Positions nobody accounted for: `(after, through]` is missing.
    package struct Gap: Sendable, Hashable {
        /// The covered position just below the gap.
        package var after: Mark
        /// The last missing position (the first covered position above it is the next one).
        package var through: Mark
    }

    /// What to do with a record, and what the coverage noticed.
    package struct Verdict: Sendable, Hashable {
        /// Apply the record (false: a repeat of something covered; skip it).
        package var apply: Bool
        /// A gap this record revealed: the positions just below its range are missing.
        package var opened: Gap?
        /// A gap given up on because too many ranges waited above it: its
        /// positions now count as covered, so a late arrival there is skipped.
        package var abandoned: Gap?
    }

    /// Every position at or below this is covered.
    package private(set) var prefix: Mark
    /// Disjoint ranges above `prefix`, in order, none adjacent to another or to the prefix.
    package private(set) var pending: [Range]
    /// Most out-of-order ranges kept before the lowest gap is given up.
    package let limit: Int

    /// Nothing covered yet: `origin` is the position just below the first one
    /// (for Kafka offsets, -1).
    package init(origin: Mark, limit: Int = 4_096) {
        self.prefix = origin
        self.pending = []
        self.limit = max(1, limit)
    }

    /// Restores a coverage from `prefix` and `pending` (as returned by them).
    package init(prefix: Mark, pending: [Range], limit: Int = 4_096) {
        self.init(origin: prefix, limit: limit)
        for range in pending where range.after < range.end { insert(range) }
    }

    /// Whether `position` is covered already.
    package func covers(_ position: Mark) -> Bool {
        if position <= prefix { return true }
        guard let index = firstRange(endingAtOrAbove: position) else { return false }
        return pending[index].after < position
    }

    /// Takes one record that accounts for `(after, end]`; `after` nil accounts
    /// for everything up to `end` (records written before upstreams named their
    /// ranges: the high-water rule).
    package mutating func accept(_ end: Mark, after: Mark?) -> Verdict {
        if covers(end) { return Verdict(apply: false, opened: nil, abandoned: nil) }
        guard let after, after < end else {
            prefix = end
            pending.removeAll { $0.end <= end }
            absorb()
            return Verdict(apply: true, opened: nil, abandoned: nil)
        }
        let opened = covers(after) ? nil : Gap(after: coveredEnd(below: after), through: after)
        insert(Range(after: after, end: end))
        var abandoned: Gap?
        if pending.count > limit, let lowest = pending.first {
            abandoned = Gap(after: prefix, through: lowest.after)
            prefix = lowest.end
            pending.removeFirst()
            absorb()
        }
        return Verdict(apply: true, opened: opened, abandoned: abandoned)
    }

    /// The missing stretches between the prefix and the highest covered position.
    package var openGaps: [Gap] {
        var gaps: [Gap] = []
        var below = prefix
        for range in pending {
            gaps.append(Gap(after: below, through: range.after))
            below = range.end
        }
        return gaps
    }

    /// The highest covered position below `position` (which is not covered itself).
    private func coveredEnd(below position: Mark) -> Mark {
        var best = prefix
        for range in pending where range.end < position { best = max(best, range.end) }
        return best
    }

    /// Index of the first pending range whose end is at or above `position`.
    private func firstRange(endingAtOrAbove position: Mark) -> Int? {
        var low = 0
        var high = pending.count
        while low < high {
            let middle = (low + high) / 2
            if pending[middle].end < position {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low < pending.count ? low : nil
    }

    /// Adds a range, merging it with the ranges it overlaps or touches, then
    /// moves the prefix over whatever joins it.
    private mutating func insert(_ range: Range) {
        var merged = range
        pending.removeAll { other in
            guard other.after <= merged.end, merged.after <= other.end else { return false }
            merged = Range(after: min(merged.after, other.after), end: max(merged.end, other.end))
            return true
        }
        let index = firstRange(endingAtOrAbove: merged.end) ?? pending.count
        pending.insert(merged, at: index)
        absorb()
    }

    /// Moves the prefix over the ranges that now join it.
    private mutating func absorb() {
        while let first = pending.first, first.after <= prefix {
            prefix = max(prefix, first.end)
            pending.removeFirst()
        }
    }
}
