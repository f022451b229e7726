import Foundation
import Kafka
import LeadLedgerEngine
import TestSupport
import Testing

/// `LogReader` at and past the end of a partition: a read whose range starts past
/// the end ends with nothing delivered, and `ends` reports the end the fetch path
/// reports, on Kafka and on Tansu (whose ListOffsets answer for a partition written
/// in one batch is its first offset + 1, far below the end). The time limit is a
/// hang bound.
@Suite(.timeLimit(.minutes(5)))
struct LogReaderEndTests {
    @Test func readsFromPastTheEndEndWithNothing() async throws {
        let brokers = try EngineTestBroker.brokers()
        let topic = uniqueName("reader-end")
        try await createTopics([topic], partitions: 2, brokers: brokers)
        // Partition 0 gets 100 records enqueued at once (a few batches at most); partition 1 none.
        try await produce(topic, (0..<100).map { (key: "k\($0)", value: "v\($0)") }, brokers: brokers, partition: 0)
        let reader = LogReader(client: KafkaClientSettings(bootstrapServers: [brokers], clientID: "engine-tests"), logger: testLogger)

        #expect(try await reader.ends(topic: topic, partitions: [0, 1]) == [0: 100, 1: 0])

        func read(from: Int64, to: Int64?, partition: Int32 = 0) async throws -> (offsets: [Int64], end: Int64) {
            var offsets: [Int64] = []
            let end = try await reader.read(topic: topic, partition: partition, from: from, to: to) { records in
                offsets += records.map(\.offset)
            }
            return (offsets, end)
        }
        // Inside the partition, at its end, past it (with and without an upper bound).
        let inside = try await read(from: 60, to: nil)
        #expect(inside.offsets == Array(60..<100) && inside.end == 100)
        let atEnd = try await read(from: 100, to: nil)
        #expect(atEnd.offsets.isEmpty && atEnd.end == 100)
        let past = try await read(from: 150, to: nil)
        #expect(past.offsets.isEmpty && past.end == 150)
        let pastBounded = try await read(from: 150, to: 200)
        #expect(pastBounded.offsets.isEmpty && pastBounded.end == 150)
        let pastEmpty = try await read(from: 5, to: nil, partition: 1)
        #expect(pastEmpty.offsets.isEmpty && pastEmpty.end == 5)
    }
}
