import Kafka
import LeadLedgerDecisions
import Logging
import Metrics
import ServiceLifecycle

/// The running parts of a process: the shared producer and the stages it runs.
package struct EngineServices: Sendable {
    /// The producer every stage writes through.
    package let producer: KafkaProducer
    /// Resolve, validate stage (inbound topics → identity repartition topic / DLQ).
    package var validate: PartitionedStage<ValidateFactory>?
    /// Resolve, identity step (repartition topic → canonical log).
    package var identity: PartitionedStage<IdentityFactory>?
    /// Materialize (canonical log → audit, routing).
    package var materialize: PartitionedStage<MaterializeFactory>?

    init(producer: KafkaProducer) { self.producer = producer }

    /// The stages as services, in topology order.
    package var stages: [any Service] {
        var stages: [any Service] = []
        if let validate { stages.append(validate) }
        if let identity { stages.append(identity) }
        if let materialize { stages.append(materialize) }
        return stages
    }
}
