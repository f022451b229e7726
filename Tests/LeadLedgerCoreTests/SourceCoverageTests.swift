import Testing

@testable import LeadLedgerCore

/// Gap-aware de-duplication of one source partition's positions (Kafka offsets here).
@Suite struct SourceCoverageTests {
    /// Feeds `(after, end)` pairs and returns which records were applied.
    static func applied(_ records: [(after: Int64?, end: Int64)], into coverage: inout SourceCoverage<Int64>) -> [Int64] {
        records.compactMap { record in coverage.accept(record.end, after: record.after).apply ? record.end : nil }
    }

    @Test func inOrderRecordsWithSkippedOffsetsFormOnePrefix() {
        var coverage = SourceCoverage<Int64>(origin: -1)
        // 0 forwarded, 1 and 2 rejected upstream (named by 3's range), 3 forwarded, 4 a skip marker.
        let applied = Self.applied([(-1, 0), (0, 3), (3, 4)], into: &coverage)
        #expect(applied == [0, 3, 4])
        #expect(coverage.prefix == 4)
        #expect(coverage.pending.isEmpty)
        #expect(coverage.openGaps.isEmpty)
    }

    @Test func duplicatesAreSkipped() {
        var coverage = SourceCoverage<Int64>(origin: -1)
        let applied = Self.applied([(-1, 0), (0, 1), (-1, 0), (0, 1), (1, 2), (1, 2)], into: &coverage)
        #expect(applied == [0, 1, 2])
        #expect(coverage.prefix == 2)
    }

    /// The delivery-failure case: 11 was delivered, 10 timed out and is re-sent
    /// after the restart together with a repeat of 11.
    @Test func aResentOlderRecordBelowTheHighestIsAppliedNotSkipped() {
        var coverage = SourceCoverage<Int64>(origin: -1)
        _ = Self.applied([(-1, 9)], into: &coverage)
        let gap = coverage.accept(11, after: 10)
        #expect(gap.apply)
        #expect(gap.opened == SourceCoverage<Int64>.Gap(after: 9, through: 10))
        #expect(coverage.openGaps == [SourceCoverage<Int64>.Gap(after: 9, through: 10)])
        let late = coverage.accept(10, after: 9)
        #expect(late.apply)
        #expect(late.opened == nil)
        #expect(coverage.accept(11, after: 10).apply == false)
        #expect(coverage.prefix == 11)
        #expect(coverage.pending.isEmpty)
    }

    @Test func theHighWaterRuleWouldHaveSkippedTheResentRecord() {
        // Records without ranges (written before upstreams named them) keep the old rule.
        var legacy = SourceCoverage<Int64>(origin: -1)
        let applied = Self.applied([(nil, 9), (nil, 11), (nil, 10)], into: &legacy)
        #expect(applied == [9, 11])
    }

    @Test func outOfOrderRangesMergeAndJoinThePrefixWhenTheGapFills() {
        var coverage = SourceCoverage<Int64>(origin: -1)
        _ = Self.applied([(-1, 2)], into: &coverage)
        // 5..8 and 10..12 arrive before 3..4: two gaps open, the second reported once.
        let first = coverage.accept(6, after: 4)
        let joined = coverage.accept(8, after: 6)
        let second = coverage.accept(12, after: 9)
        #expect(first.opened == SourceCoverage<Int64>.Gap(after: 2, through: 4))
        #expect(joined.opened == nil)
        #expect(second.opened == SourceCoverage<Int64>.Gap(after: 8, through: 9))
        #expect(coverage.pending == [.init(after: 4, end: 8), .init(after: 9, end: 12)])
        #expect(coverage.covers(5))
        #expect(coverage.covers(7))
        #expect(!coverage.covers(9))
        #expect(!coverage.covers(3))
        #expect(coverage.accept(4, after: 2).apply)
        #expect(coverage.prefix == 8)
        #expect(coverage.accept(9, after: 8).apply)
        #expect(coverage.prefix == 12)
        #expect(coverage.pending.isEmpty)
    }

    @Test func aGapThatNeverFillsIsGivenUpPastTheLimitAndReported() {
        var coverage = SourceCoverage<Int64>(origin: -1, limit: 2)
        _ = Self.applied([(-1, 0)], into: &coverage)
        // 1 is lost; 2..3 and 5..6 wait above it with 4 missing too.
        _ = coverage.accept(2, after: 1)
        _ = coverage.accept(6, after: 4)
        let third = coverage.accept(9, after: 7)
        #expect(third.apply)
        #expect(third.abandoned == SourceCoverage<Int64>.Gap(after: 0, through: 1))
        #expect(coverage.prefix == 2)
        #expect(coverage.pending.count == 2)
        #expect(coverage.accept(1, after: 0).apply == false)
    }

    @Test func restoringFromPrefixAndPendingGivesTheSameVerdicts() {
        var coverage = SourceCoverage<Int64>(origin: -1)
        _ = Self.applied([(-1, 2), (4, 6), (8, 9)], into: &coverage)
        var restored = SourceCoverage<Int64>(prefix: coverage.prefix, pending: coverage.pending)
        #expect(restored == coverage)
        let inputs: [(Int64?, Int64)] = [(2, 3), (3, 4), (6, 7), (8, 9), (7, 8)]
        #expect(Self.applied(inputs, into: &restored) == Self.applied(inputs, into: &coverage))
        #expect(restored.prefix == 9)
    }
}
