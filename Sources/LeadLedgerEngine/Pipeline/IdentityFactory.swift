import Kafka
import LeadLedgerCore

/// Creates `IdentityProcessor`s.
package struct IdentityFactory: PartitionProcessorFactory {
    let topics: TopicNames
    /// The canonical log's partition count (control events are written to each).
    package var logPartitions: Int32 = 1
    let sealer: PersonalDataSealer?

    /// Creates the factory.
    package init(topics: TopicNames) { self.init(topics: topics, sealer: nil) }

    /// Creates the factory; its processors seal with `sealer` (nil: plaintext mode).
    package init(topics: TopicNames, sealer: PersonalDataSealer?) {
        self.topics = topics
        self.sealer = sealer
    }

    package func makeProcessor(partition: Int32) -> IdentityProcessor {
        var processor = IdentityProcessor(topics: topics, resolver: IdentityResolver(), sealer: sealer)
        processor.logPartitions = logPartitions
        return processor
    }

    package func restoreProcessor(partition: Int32, snapshot: [UInt8]) throws -> IdentityProcessor {
        var processor = try IdentityProcessor(topics: topics, snapshot: snapshot, sealer: sealer)
        processor.logPartitions = logPartitions
        return processor
    }
}
