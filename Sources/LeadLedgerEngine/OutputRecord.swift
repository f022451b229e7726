import Kafka

/// A record a processor wants produced. Outputs of one input are produced in
/// the order returned, before any output of the next input.
///
/// Equality and hashing cover what is produced (topic, key, value, partition,
/// headers), not ``observation``, which only feeds metrics.
package struct OutputRecord: Sendable, Hashable {
    /// The target topic.
    package var topic: String
    /// The key (decides the partition unless `partition` is set).
    package var key: [UInt8]?
    /// The payload.
    package var value: [UInt8]
    /// An explicit target partition (nil: by key hash).
    package var partition: Int32?
    /// Record headers.
    package var headers: [KafkaHeader]
    /// What the engine counts when it enqueues this record while emitting (never
    /// during a restore replay); not produced, not part of equality.
    package var observation: OutputObservation?

    /// Creates an output record.
    package init(topic: String, key: [UInt8]?, value: [UInt8], partition: Int32? = nil, headers: [KafkaHeader] = []) {
        self.topic = topic
        self.key = key
        self.value = value
        self.partition = partition
        self.headers = headers
    }

    /// Creates an output record with a UTF-8 key.
    package init(topic: String, key: String?, value: [UInt8], partition: Int32? = nil, headers: [KafkaHeader] = []) {
        self.init(topic: topic, key: key.map { Array($0.utf8) }, value: value, partition: partition, headers: headers)
    }

    package static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.topic == rhs.topic && lhs.key == rhs.key && lhs.value == rhs.value && lhs.partition == rhs.partition
            && lhs.headers == rhs.headers
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(topic)
        hasher.combine(key)
        hasher.combine(value)
        hasher.combine(partition)
        hasher.combine(headers)
    }

    var producerMessage: KafkaProducerMessage {
        // Kafka timestamps are left to the producer (create time): no output contract
        // depends on them, and decisions carry their event time in the payload.
        KafkaProducerMessage(topic: topic, partition: partition, key: key, value: value, headers: headers)
    }
}
