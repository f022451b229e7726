import Foundation
import Kafka
import TestSupport
import Testing

@Suite("Delivery errors")
struct DeliveryErrorTests {
    /// A failed delivery's error names its cause and never carries the message's
    /// bytes (librdkafka's consumer-side error text is a message's payload).
    @Test(.timeLimit(.minutes(5)))
    func failedDeliveryErrorCarriesNoPayload() async throws {
        let brokers = try await TestBroker.brokers()
        let producer = try KafkaProducer(configuration: producerConfiguration(brokers), logger: testLogger)
        let secret = "payload-\(uniqueName("secret"))"
        // A topic this producer has not seen (the broker creates it with fewer
        // partitions than 1,000): the failure comes back as a delivery report.
        do {
            _ = try await producer.send(KafkaProducerMessage(topic: uniqueName("dr-missing"), partition: 999, key: nil, value: secret))
            Issue.record("delivered to a partition the topic does not have")
        } catch {
            #expect(error.code == .localUnknownPartition, "\(error)")
            #expect(!error.description.contains("payload-"), "\(error)")
        }
        #expect(producer.statistics.lastError.map { !"\($0)".contains("payload-") } ?? false)
        await producer.close()
    }
}
