import Kafka
import LeadLedgerCore

/// Creates `ValidateProcessor`s.
package struct ValidateFactory: PartitionProcessorFactory {
    let topics: TopicNames
    let futureCheck: FutureTimestampCheck
    /// The model versions control events may name (nil: any well-formed version).
    package var catalog: ModelCatalog?

    /// Creates the factory.
    package init(topics: TopicNames, futureCheck: FutureTimestampCheck = FutureTimestampCheck()) {
        self.topics = topics
        self.futureCheck = futureCheck
    }

    package func makeProcessor(partition: Int32) -> ValidateProcessor {
        var processor = ValidateProcessor(topics: topics, futureCheck: futureCheck)
        processor.catalog = catalog
        return processor
    }

    package func restoreProcessor(partition: Int32, snapshot: [UInt8]) throws -> ValidateProcessor { makeProcessor(partition: partition) }
}
