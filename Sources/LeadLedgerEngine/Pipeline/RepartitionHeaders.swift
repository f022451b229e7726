import Kafka
import LeadLedgerCore

/// Headers of identity-repartition records: a skip marker's (the source position
/// and why it was skipped), and a forwarded record's in the previous format (the
/// source position and the contract that decodes its JSON value; a current one
/// carries both in its value, ``RepartitionRecord``).
package enum RepartitionHeaders {
    /// The inbound contract (`crm.events`, `web.events`, `email.events`: `InboundTopic`).
    package static let contract = "ll-contract"
    /// The source topic as configured.
    package static let topic = "ll-source-topic"
    /// The source partition (decimal).
    package static let partition = "ll-source-partition"
    /// The source offset (decimal).
    package static let offset = "ll-source-offset"
    /// The first source offset the record accounts for (decimal): the offsets from
    /// there up to `offset` were not forwarded (transaction markers, or offsets below
    /// where the validate stage started reading). Absent on records written before
    /// it existed.
    package static let coversFrom = "ll-covers-from"
    /// Present on a skip marker: a record without value that only accounts for its
    /// source offset (and those from `coversFrom`), written for a rejected input
    /// after its DLQ record. Its value says why (`rejected`, or `output_too_large`
    /// for a valid input whose forwarded copy was too large to produce).
    package static let skipped = "ll-skipped"

    /// The headers of a repartition record for the message read at `source`: `first`
    /// (the contract, or `skipped` with its reason), then the source position and `coversFrom`.
    package static func headers(_ first: (key: String, value: String), source: SourcePosition, coversFrom: Int64) -> [KafkaHeader] {
        [
            KafkaHeader(key: first.key, value: first.value),
            KafkaHeader(key: Self.topic, value: source.topic),
            KafkaHeader(key: Self.partition, value: String(source.partition)),
            KafkaHeader(key: Self.offset, value: String(source.offset)),
            KafkaHeader(key: Self.coversFrom, value: String(coversFrom)),
        ]
    }
}
