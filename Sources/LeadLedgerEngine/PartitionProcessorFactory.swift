import Kafka

/// Creates processors for partitions: fresh, or from a snapshot.
package protocol PartitionProcessorFactory: Sendable {
    /// The processor type.
    associatedtype Processor: PartitionProcessor

    /// A processor in its initial state for `partition`.
    func makeProcessor(partition: Int32) -> Processor

    /// A processor restored from `snapshot` (which passed the checksum and format checks).
    /// - Throws: when the bytes cannot be decoded; the engine then tries an older
    ///   snapshot or replays from offset 0.
    func restoreProcessor(partition: Int32, snapshot: [UInt8]) throws -> Processor

    /// Whether a record with these headers must be passed to ``prepare(_:)``
    /// before it is applied (decided from the topic and headers alone, cheaply).
    func needsPreparation(topic: String, headers: [KafkaHeader]) -> Bool

    /// Fetches what applying `records` needs and `apply` cannot fetch itself
    /// (it is synchronous): the materialize stage loads the model versions that
    /// control records name. Called before the records are applied.
    func prepare(_ records: [LogRecord]) async throws

    /// Called before a partition is restored and replayed, so that whatever the
    /// replayed records need is at hand (the materialize stage refreshes its model catalog).
    func willRestore() async throws
}

extension PartitionProcessorFactory {
    package func needsPreparation(topic: String, headers: [KafkaHeader]) -> Bool { false }
    package func prepare(_ records: [LogRecord]) async throws {}
    package func willRestore() async throws {}
}
