import Foundation
import Kafka
import Synchronization
import TestSupport
import Testing

@Suite("Round trip")
struct RoundTripTests {
    /// 100 000 keyed messages with headers over 3 partitions (half of them through
    /// `tryEnqueue`): every acknowledged
    /// (partition, offset) is consumed with identical key, payload and headers,
    /// offsets per partition are contiguous, and per key the order is preserved.
    @Test(.timeLimit(.minutes(3)))
    func hundredThousandKeyedMessagesRoundTrip() async throws {
        let brokers = try await TestBroker.brokers()
        let topic = uniqueName("roundtrip")
        try await createTopic(topic, partitions: 3, brokers: brokers)
        let total = 100_000

        @Sendable func payload(_ i: Int) -> [UInt8] {
            var bytes = Array("payload-\(i)-".utf8)
            for j in 0..<(i % 40) { bytes.append(UInt8(truncatingIfNeeded: i &* 31 &+ j)) }  // binary tail
            return bytes
        }

        let acked = Mutex<[Int32: [Int64: Int]]>([:])  // partition -> offset -> sequence
        let producer = try KafkaProducer(configuration: producerConfiguration(brokers), logger: testLogger)
        try await withTimeout(120, "produce 100k") {
            for i in 0..<total {
                let message = KafkaProducerMessage(
                    topic: topic,
                    key: Array("key-\(i % 97)".utf8),
                    value: payload(i),
                    headers: [
                        KafkaHeader(key: "seq", value: String(i)), KafkaHeader(key: "bin", value: [0, 1, 254, 255]),
                        KafkaHeader(key: "empty", value: nil),
                    ]
                )
                let onDelivery: @Sendable (Result<KafkaDeliveryReport, KafkaError>) -> Void = { result in
                    if case .success(let report) = result {
                        acked.withLock { $0[report.partition, default: [:]][report.offset] = i }
                    }
                }
                // Odd messages through the synchronous fast path (falling back to
                // the suspending one when the window is full), even ones through enqueue.
                if i % 2 == 1, try producer.tryEnqueue(message, onDelivery: onDelivery) { continue }
                try await producer.enqueue(message, onDelivery: onDelivery)
            }
            try await producer.flush(timeout: .seconds(60))
        }
        let stats = producer.statistics
        await producer.close()
        #expect(stats.delivered == total)
        #expect(stats.failed == 0)
        let ackedMap = acked.withLock { $0 }
        #expect(ackedMap.values.reduce(0) { $0 + $1.count } == total)
        #expect(ackedMap.keys.count == 3, "keys spread over all 3 partitions")

        let consumer = try KafkaConsumer(configuration: consumerConfiguration(brokers), logger: testLogger)
        try consumer.assign((0..<3).map { KafkaTopicPartitionOffset(topic: topic, partition: $0, offset: .beginning) })
        let messages = try await withTimeout(120, "consume 100k") { try await collect(consumer, count: total) }
        await consumer.close()

        #expect(messages.count == total)
        var lastOffset: [Int32: Int64] = [:]
        var lastSeqPerKey: [String: Int] = [:]
        var mismatches = 0
        for message in messages {
            // Offsets per partition are contiguous from 0.
            #expect(message.offset == (lastOffset[message.partition] ?? -1) + 1)
            lastOffset[message.partition] = message.offset
            guard let seq = ackedMap[message.partition]?[message.offset] else {
                Issue.record("unacknowledged message at \(message.partition)/\(message.offset)")
                continue
            }
            if message.value.array != payload(seq) || message.key?.array != Array("key-\(seq % 97)".utf8) { mismatches += 1 }
            if message.headers != [
                KafkaHeader(key: "seq", value: String(seq)), KafkaHeader(key: "bin", value: [0, 1, 254, 255]),
                KafkaHeader(key: "empty", value: nil),
            ] {
                mismatches += 1
            }
            let key = message.key.map { String(decoding: $0, as: UTF8.self) } ?? ""
            if let previous = lastSeqPerKey[key] { #expect(seq > previous, "order per key") }
            lastSeqPerKey[key] = seq
        }
        #expect(mismatches == 0)
        for (partition, offsets) in ackedMap {
            #expect(lastOffset[partition] == Int64(offsets.count - 1))
        }
    }

    /// `send` returns the partition and offset the consumer then finds the message at.
    /// The limit only guards against a hang: with every broker suite running in
    /// parallel against the development broker, this test once took 150 s.
    @Test(.timeLimit(.minutes(5)))
    func sendReturnsDeliveryReport() async throws {
        let brokers = try await TestBroker.brokers()
        let topic = uniqueName("send")
        try await createTopic(topic, partitions: 2, brokers: brokers)
        let producer = try KafkaProducer(configuration: producerConfiguration(brokers), logger: testLogger)
        var reports: [KafkaDeliveryReport] = []
        for i in 0..<10 {
            reports.append(
                try await producer.send(KafkaProducerMessage(topic: topic, partition: Int32(i % 2), key: "k\(i)", value: "v\(i)")))
        }
        await producer.close()
        #expect(reports.map(\.partition) == (0..<10).map { Int32($0 % 2) })
        #expect(reports.map(\.offset) == (0..<10).map { Int64($0 / 2) })
        #expect(reports.allSatisfy { $0.topic == topic })

        let consumer = try KafkaConsumer(configuration: consumerConfiguration(brokers), logger: testLogger)
        try consumer.assign([KafkaTopicPartitionOffset(topic: topic, partition: 1, offset: .beginning)])
        let messages = try await withTimeout(30, "consume") { try await collect(consumer, count: 5) }
        await consumer.close()
        #expect(messages.map { String(decoding: $0.value, as: UTF8.self) } == ["v1", "v3", "v5", "v7", "v9"])
    }

    /// Producing after close fails with a typed error instead of crashing or hanging.
    @Test(.timeLimit(.minutes(5)))
    func sendAfterCloseThrows() async throws {
        let brokers = try await TestBroker.brokers()
        let producer = try KafkaProducer(configuration: producerConfiguration(brokers), logger: testLogger)
        await producer.close()
        await #expect(throws: KafkaError.self) {
            _ = try await producer.send(KafkaProducerMessage(topic: "unused", key: nil, value: "x"))
        }
        do {
            _ = try await producer.send(KafkaProducerMessage(topic: "unused", key: nil, value: "x"))
        } catch {
            #expect(error.code == .localDestroyed)
        }
    }
}
