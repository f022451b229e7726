import Foundation
import Kafka
import LeadLedgerDecisions
import Logging

extension EngineConfiguration {
    /// The local model cache: `model_store`, else `<state directory>/models`.
    package var modelCache: ModelStore {
        ModelStore(directory: URL(fileURLWithPath: modelStore ?? ModelStore.defaultDirectory(stateDirectory: stateDirectory)))
    }

    /// The model catalog of the engine: `decisions` (the configured model), the
    /// local model store and the registry topic.
    package func modelCatalog(
        decisions: DecisionConfiguration, client: KafkaClientSettings, logger: Logger
    ) throws(EngineError) -> ModelCatalog {
        let routing: Data
        do { routing = try Data(contentsOf: URL(fileURLWithPath: routingFile)) } catch {
            throw EngineError(.invalidConfiguration, context: routingFile, "cannot read: \(error.localizedDescription)")
        }
        return ModelCatalog(
            configured: Decider(decisions), store: modelCache, registry: ModelRegistry(topic: topics.models),
            reader: LogReader(client: client, logger: logger), routingYAML: routing, routingSource: routingFile, logger: logger)
    }

    /// The materialize factory that replays and verifications use: the configured
    /// model until a partition's first activation, then the versions the log activates.
    package func materializeFactory(
        client: KafkaClientSettings, sealer: PersonalDataSealer? = nil, logger: Logger
    ) throws(EngineError) -> MaterializeFactory {
        MaterializeFactory(
            topics: topics, catalog: try modelCatalog(decisions: try decisionConfiguration(), client: client, logger: logger),
            cutover: routingCutover, sealer: sealer)
    }
}
