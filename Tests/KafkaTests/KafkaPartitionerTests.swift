import Kafka
import Synchronization
import TestSupport
import Testing

@Suite("Partitioner")
struct KafkaPartitionerTests {
    /// For every partitioner with a key-determined partition, a producer configured
    /// with it delivers each keyed record to the partition `KafkaPartitioner` names.
    @Test(.timeLimit(.minutes(5)), arguments: KafkaPartitioner.Kind.allCases)
    func namesThePartitionAProducerWritesTo(kind: KafkaPartitioner.Kind) async throws {
        let brokers = try await TestBroker.brokers()
        let topic = uniqueName("partitioner")
        try await createTopic(topic, partitions: 5, brokers: brokers)
        var configuration = producerConfiguration(brokers)
        configuration.client.properties["partitioner"] = kind.rawValue
        let producer = try KafkaProducer(configuration: configuration, logger: testLogger)
        let delivered = Mutex<[String: Int32]>([:])
        let keys = (0..<200).map { "lead-\($0 * 7919)" }
        for key in keys {
            try await producer.enqueue(KafkaProducerMessage(topic: topic, key: Array(key.utf8), value: Array("v".utf8))) { result in
                if case .success(let report) = result { delivered.withLock { $0[key] = report.partition } }
            }
        }
        try await producer.flush(timeout: .seconds(60))
        await producer.close()

        let partitioner = try #require(KafkaPartitioner(properties: ["partitioner": kind.rawValue]))
        let partitions = delivered.withLock { $0 }
        #expect(partitions.count == keys.count)
        #expect(Set(partitions.values).count > 1, "the keys spread over the partitions")
        for key in keys {
            #expect(partitioner.partition(of: Array(key.utf8), count: 5) == partitions[key], "key \(key)")
        }
    }

    /// No property means librdkafka's default; `random` has no key-determined partition;
    /// an empty key has none either.
    @Test func readsThePartitionerProperty() {
        #expect(KafkaPartitioner(properties: [:]) == .librdkafkaDefault)
        #expect(KafkaPartitioner(properties: ["partitioner": "random"]) == nil)
        #expect(KafkaPartitioner.librdkafkaDefault.partition(of: [], count: 3) == nil)
    }
}
