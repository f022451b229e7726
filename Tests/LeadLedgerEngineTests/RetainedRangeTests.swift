import Kafka
import LeadLedgerEngine
import Testing

@Suite("Retained range (audit verify: EXPIRED or MISSING)")
struct RetainedRangeTests {
    let partitioner = KafkaPartitioner.librdkafkaDefault

    /// A key the partitioner writes to `partition` of 2.
    func key(in partition: Int32) throws -> [UInt8] {
        try #require((0..<1000).lazy.map { Array("lead-\($0)".utf8) }.first { partitioner.partition(of: $0, count: 2) == partition })
    }

    /// Partition 0 lost its beginning and holds log partition 0 from offset 100 on.
    func range() -> RetainedRange {
        var range = RetainedRange(partitioner: partitioner, partitionCount: 2)
        range.partition(0, startsAt: 40)
        range.partition(1, startsAt: 0)
        for offset: Int64 in [100, 120, 180] { range.held(in: 0, logPartition: 0, logOffset: offset) }
        for offset: Int64 in [10, 130] { range.held(in: 1, logPartition: 0, logOffset: offset) }
        return range
    }

    @Test func aRecordBeforeWhatItsPartitionStillHoldsExpired() throws {
        #expect(range().isExpired(key: try key(in: 0), logPartition: 0, logOffset: 99))
    }

    @Test func aRecordWithinWhatItsPartitionHoldsIsMissing() throws {
        #expect(!range().isExpired(key: try key(in: 0), logPartition: 0, logOffset: 100))
        #expect(!range().isExpired(key: try key(in: 0), logPartition: 0, logOffset: 150))
    }

    @Test func aRecordOfAPartitionThatHoldsEverythingIsMissing() throws {
        #expect(!range().isExpired(key: try key(in: 1), logPartition: 0, logOffset: 5))
    }

    @Test func aLogPartitionOfWhichNothingIsLeftExpired() throws {
        #expect(range().isExpired(key: try key(in: 0), logPartition: 1, logOffset: 5_000))
        #expect(!range().isExpired(key: try key(in: 1), logPartition: 1, logOffset: 5_000))
    }

    /// Without a key-determined partition every partition that lost its beginning is a candidate.
    @Test func withoutAPartitionEveryTruncatedPartitionIsACandidate() {
        #expect(range().isExpired(key: nil, logPartition: 0, logOffset: 99))
        #expect(!range().isExpired(key: nil, logPartition: 0, logOffset: 100))
        var random = range()
        random.partitioner = nil
        #expect(random.isExpired(key: Array("x".utf8), logPartition: 0, logOffset: 99))
    }

    @Test func nothingExpiresInATopicThatHoldsEverything() throws {
        var range = RetainedRange(partitioner: partitioner, partitionCount: 2)
        range.partition(0, startsAt: 0)
        range.partition(1, startsAt: 0)
        #expect(!range.isExpired(key: try key(in: 0), logPartition: 0, logOffset: 0))
        #expect(!range.isExpired(key: nil, logPartition: 3, logOffset: 0))
    }
}
