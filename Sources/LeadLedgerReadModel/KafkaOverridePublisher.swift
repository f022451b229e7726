import Kafka

/// Produces override events with the service's Kafka producer (idempotent, acks=all).
package struct KafkaOverridePublisher: OverridePublisher {
    let producer: KafkaProducer

    package init(producer: KafkaProducer) { self.producer = producer }

    package func publish(topic: String, key: String, value: [UInt8]) async throws -> (partition: Int32, offset: Int64) {
        let report = try await producer.send(KafkaProducerMessage(topic: topic, key: Array(key.utf8), value: value))
        return (report.partition, report.offset)
    }
}
