import Foundation
import Kafka
import TestSupport
import Testing

/// Interoperability with independent clients: kcat and confluent-kafka (Python).
@Suite("Interoperability")
struct InteropTests {
    static var python: String {
        if let env = ProcessInfo.processInfo.environment["LEADLEDGER_PYTHON"], !env.isEmpty { return env }
        return repoRoot.appendingPathComponent(".venv/bin/python").path
    }

    static var kcat: String {
        for candidate in ["/usr/bin/kcat", "/usr/local/bin/kcat", "/usr/bin/kafkacat"]
        where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        return "/usr/bin/kcat"
    }

    private func consumeAll(_ topic: String, count: Int, brokers: String) async throws -> [KafkaConsumerMessage] {
        let consumer = try KafkaConsumer(configuration: consumerConfiguration(brokers), logger: testLogger)
        try consumer.assign([KafkaTopicPartitionOffset(topic: topic, partition: 0, offset: .beginning)])
        let messages = try await withTimeout(60, "consume \(count) from \(topic)") { try await collect(consumer, count: count) }
        await consumer.close()
        return messages
    }

    /// kcat produces keyed messages with headers; the Swift consumer sees them intact.
    @Test(.timeLimit(.minutes(3)))
    func kcatProducesSwiftConsumes() async throws {
        let brokers = try await TestBroker.brokers()
        let topic = uniqueName("kcat-in")
        try await createTopic(topic, partitions: 1, brokers: brokers)
        let input = (0..<20).map { "key-\($0):value \($0) with spaces" }.joined(separator: "\n") + "\n"
        let started = ContinuousClock.now
        let result = try await runProcess(
            Self.kcat, ["-P", "-b", brokers, "-t", topic, "-p", "0", "-K:", "-H", "source=kcat", "-H", "trace=abc=def"],
            stdin: Data(input.utf8))
        print("kcat produced in \(ContinuousClock.now - started)")
        #expect(result.status == 0, "kcat: \(result.stderr)")

        let messages = try await consumeAll(topic, count: 20, brokers: brokers)
        #expect(messages.count == 20)
        for (i, message) in messages.enumerated() {
            #expect(message.key?.array == Array("key-\(i)".utf8))
            #expect(String(decoding: message.value, as: UTF8.self) == "value \(i) with spaces")
            #expect(message.headers == [KafkaHeader(key: "source", value: "kcat"), KafkaHeader(key: "trace", value: "abc=def")])
        }
    }

    /// confluent-kafka produces binary keys, payloads and headers; the Swift consumer sees them intact.
    @Test(.timeLimit(.minutes(3)))
    func confluentProducesSwiftConsumes() async throws {
        let brokers = try await TestBroker.brokers()
        let topic = uniqueName("confluent-in")
        try await createTopic(topic, partitions: 1, brokers: brokers)
        let script = """
            import sys
            from confluent_kafka import Producer
            p = Producer({"bootstrap.servers": sys.argv[1], "enable.idempotence": True})
            for i in range(50):
                p.produce(sys.argv[2], partition=0, key=bytes([i, 0, 255]) + b"k", value=bytes((i * 7 + j) % 256 for j in range(i + 1)),
                          headers=[("n", str(i).encode()), ("bin", bytes([0, 255, i])), ("n", b"again")])
            left = p.flush(30)
            sys.exit(1 if left else 0)
            """
        let result = try await runProcess(Self.python, ["-c", script, brokers, topic])
        #expect(result.status == 0, "python: \(result.stderr)")

        let messages = try await consumeAll(topic, count: 50, brokers: brokers)
        #expect(messages.count == 50)
        for (i, message) in messages.enumerated() {
            #expect(message.key?.array == [UInt8(i), 0, 255] + Array("k".utf8))
            #expect(message.value.array == (0...i).map { UInt8((i * 7 + $0) % 256) })
            #expect(
                message.headers == [
                    KafkaHeader(key: "n", value: String(i)),
                    KafkaHeader(key: "bin", value: [0, 255, UInt8(i)]),
                    KafkaHeader(key: "n", value: "again"),
                ])
        }
    }

    /// The Swift producer writes keys, headers, payloads and timestamps that
    /// confluent-kafka reads back identically.
    @Test(.timeLimit(.minutes(3)))
    func swiftProducesConfluentConsumes() async throws {
        let brokers = try await TestBroker.brokers()
        let topic = uniqueName("confluent-out")
        try await createTopic(topic, partitions: 1, brokers: brokers)
        let producer = try KafkaProducer(configuration: producerConfiguration(brokers), logger: testLogger)
        for i in 0..<30 {
            _ = try await producer.send(
                KafkaProducerMessage(
                    topic: topic,
                    partition: 0,
                    key: Array("swift-\(i)".utf8),
                    value: [UInt8(i), 0, 10, 13, 255] + Array("payload \(i)".utf8),
                    headers: [KafkaHeader(key: "source", value: "swift"), KafkaHeader(key: "i", value: String(i))],
                    timestampMilliseconds: 1_700_000_000_000 + Int64(i)
                ))
        }
        await producer.close()

        let script = """
            import sys, json, base64
            from confluent_kafka import Consumer, TopicPartition
            c = Consumer({"bootstrap.servers": sys.argv[1], "group.id": "interop-check", "enable.auto.commit": False})
            c.assign([TopicPartition(sys.argv[2], 0, 0)])
            out = []
            while len(out) < 30:
                m = c.poll(20)
                if m is None:
                    break
                if m.error():
                    continue
                out.append({"key": m.key().decode(), "value": base64.b64encode(m.value()).decode(),
                            "headers": [[k, v.decode()] for k, v in (m.headers() or [])], "timestamp": m.timestamp()[1], "offset": m.offset()})
            c.close()
            print(json.dumps(out))
            """
        let result = try await runProcess(Self.python, ["-c", script, brokers, topic])
        #expect(result.status == 0, "python: \(result.stderr)")
        struct Seen: Decodable {
            var key: String
            var value: String
            var headers: [[String]]
            var timestamp: Int64
            var offset: Int64
        }
        let seen = try JSONDecoder().decode([Seen].self, from: Data(result.stdout.utf8))
        #expect(seen.count == 30)
        for (i, message) in seen.enumerated() {
            #expect(message.offset == Int64(i))
            #expect(message.key == "swift-\(i)")
            #expect(Data(base64Encoded: message.value).map(Array.init) == [UInt8(i), 0, 10, 13, 255] + Array("payload \(i)".utf8))
            #expect(message.headers == [["source", "swift"], ["i", String(i)]])
            #expect(message.timestamp == 1_700_000_000_000 + Int64(i))
        }
    }
}
