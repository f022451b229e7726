import Foundation
import Kafka
import Logging
import Metrics
import ServiceLifecycle

/// A partition-parallel stage: a consumer-group member with one `PartitionWorker`
/// actor per assigned partition (per-partition delivery).
///
/// Protocol (SPEC §9):
/// - per partition, records are applied strictly in offset order and each
///   record's outputs are enqueued before the next record is applied;
/// - offset `o + 1` is committed only once every output of records `≤ o` was
///   acknowledged (`InFlightTracker`), every `commitInterval` and on revoke;
/// - on revoke (the handler runs before the revoke completes) the worker stops
///   (its stream has ended), waits for its in-flight outputs, snapshots, commits
///   synchronously, then the partition is released;
/// - on assign the worker restores the newest valid snapshot at or below the
///   committed offset and replays the log from there to the committed offset
///   without emitting, then emits from the committed offset on;
/// - a lost partition (session timeout) is dropped without a commit: the new
///   owner repeats the uncommitted suffix, byte-identically.
package final class PartitionedStage<Factory: PartitionProcessorFactory>: Service, Sendable {
    /// The stage's settings.
    package let configuration: StageConfiguration
    private let client: KafkaClientSettings
    private let producer: KafkaProducer
    private let coordinator: StageCoordinator<Factory>
    private let logger: Logger

    /// Creates a stage. `producer` is shared by the stages of a process; `store`
    /// holds snapshots (nil: stateful partitions are always fully replayed);
    /// `status` receives the partitions' progress for the health probes.
    package convenience init(
        configuration: StageConfiguration, client: KafkaClientSettings, producer: KafkaProducer, store: SnapshotStore?, factory: Factory,
        logger: Logger
    ) {
        self.init(
            configuration: configuration, client: client, producer: producer, store: store, factory: factory, status: nil, logger: logger)
    }

    package init(
        configuration: StageConfiguration, client: KafkaClientSettings, producer: KafkaProducer, store: SnapshotStore?, factory: Factory,
        status: EngineStatusBoard?, logger: Logger
    ) {
        status?.register(stage: configuration.name)
        self.configuration = configuration
        self.client = client
        self.producer = producer
        self.logger = logger
        self.coordinator = StageCoordinator(
            name: configuration.name,
            factory: factory,
            producer: producer,
            store: store,
            policy: configuration.snapshotPolicy,
            maxRecordsPerJob: configuration.maxRecordsPerJob,
            reader: LogReader(client: client, logger: logger),
            status: status,
            logger: logger
        )
    }

    /// Counters summed over the partitions this process currently owns or owned.
    package func statistics() async -> PartitionWorkerStatistics { await coordinator.totals() }

    /// Runs until graceful shutdown (or cancellation), then hands every partition
    /// over (drain, snapshot, commit) and leaves the group.
    /// - Throws: `EngineError` when an output could not be delivered or a commit failed.
    package func run() async throws {
        var properties = client.properties
        if properties["fetch.wait.max.ms"] == nil {
            properties["fetch.wait.max.ms"] = String(Int((configuration.fetchWaitMax / .milliseconds(1)).rounded()))
        }
        var consumerConfiguration = KafkaConsumerConfiguration(
            bootstrapServers: client.bootstrapServers, groupID: configuration.groupID, clientID: "\(client.clientID)-\(configuration.name)",
            properties: properties)
        consumerConfiguration.client.statisticsHandler = client.statisticsHandler
        consumerConfiguration.delivery = .perPartition
        consumerConfiguration.sessionTimeout = configuration.sessionTimeout
        consumerConfiguration.closeTimeout = .seconds(60)
        consumerConfiguration.maxBatchSize = 2048
        // A stateful partition restores before it reads: it is paused from its
        // assignment on (no message of it fetched) until its restore is done.
        consumerConfiguration.pausesNewPartitions = Factory.Processor.isStateful
        let coordinator = self.coordinator
        let consumer = try KafkaConsumer(configuration: consumerConfiguration, logger: logger) { event in
            await coordinator.rebalance(event)
        }
        await coordinator.attach(consumer)
        try consumer.subscribe(topics: configuration.inputTopics)
        logger.info(
            "stage \(configuration.name): joined group \(configuration.groupID) for \(configuration.inputTopics.joined(separator: ","))")

        let commitInterval = configuration.commitInterval
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    do {
                        for try await stream in consumer.partitions {
                            await coordinator.start(stream)
                        }
                    } catch {
                        await coordinator.fail(EngineError(.logRead, context: "consumer", "\(error)"))
                    }
                }
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: commitInterval)
                        if await coordinator.isClosing { break }
                        await coordinator.commitProgress()
                        await coordinator.publishProgress()
                    }
                }
                await coordinator.waitUntilClosing()
                await consumer.close()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            Task { await coordinator.beginClosing() }
        }
        await coordinator.finish()
        if let failure = await coordinator.failure { throw failure }
    }
}
