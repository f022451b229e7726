import Kafka
import Logging

/// Carries a stage's committed offsets from a consumer group's old name to its
/// new one, once, so that renaming a group reprocesses nothing.
///
/// Release 0.7 renamed the default groups of the first two stages (see
/// ``GroupNames``). A process that starts under the new name finds no
/// committed offset and would read its input again from the beginning
/// (`auto.offset.reset=earliest`): every inbound message validated twice and
/// every log event written twice. Before the stages join their groups, `run`
/// therefore checks each rename: when the new group has no committed offset on
/// any partition of the stage's topics and the old group has some, the old
/// group's offsets are committed under the new name. The old group is left as
/// it was (delete it with the Kafka tools once every process runs the new
/// release). Running the check again changes nothing, because the new group
/// then has offsets of its own.
package enum GroupMigration {
    /// One group rename of one stage.
    package struct Rename: Sendable, Hashable {
        /// The group name of the earlier release.
        package var old: String
        /// The group name of this release.
        package var new: String
        /// The stage's input topics.
        package var topics: [String]

        package init(old: String, new: String, topics: [String]) {
            self.old = old
            self.new = new
            self.topics = topics
        }
    }

    /// Performs the renames that apply; returns, per new group name, how many
    /// partition offsets it adopted (absent when it adopted none).
    package static func adoptOffsets(
        _ renames: [Rename],
        configuration: EngineConfiguration,
        logger: Logger
    ) async throws(EngineError) -> [String: Int] {
        var adopted: [String: Int] = [:]
        guard !renames.isEmpty else { return adopted }
        do {
            let admin = try KafkaAdminClient(
                configuration: KafkaAdminConfiguration(bootstrapServers: configuration.brokers, properties: configuration.properties),
                logger: logger
            )
            let metadata = try await admin.listTopics()
            await admin.close()
            for rename in renames {
                var partitions: [KafkaTopicPartition] = []
                for topic in rename.topics {
                    let ids = metadata.first { $0.name == topic }?.partitions.map(\.id) ?? []
                    partitions += ids.sorted().map { KafkaTopicPartition(topic: topic, partition: $0) }
                }
                guard !partitions.isEmpty else { continue }
                let current = try await committedOffsets(of: rename.new, partitions, configuration: configuration, logger: logger)
                guard current.isEmpty else { continue }
                let previous = try await committedOffsets(of: rename.old, partitions, configuration: configuration, logger: logger)
                guard !previous.isEmpty else { continue }
                let offsets = previous.sorted { ($0.key.topic, $0.key.partition) < ($1.key.topic, $1.key.partition) }
                    .map { KafkaTopicPartitionOffset(topic: $0.key.topic, partition: $0.key.partition, offset: .offset($0.value)) }
                let probe = try makeProbe(group: rename.new, configuration: configuration, logger: logger)
                do {
                    try await probe.commit(offsets)
                    await probe.close()
                } catch {
                    await probe.close()
                    throw error
                }
                adopted[rename.new] = offsets.count
                logger.notice(
                    "consumer group \(rename.new) starts from the committed offsets of \(rename.old) (\(offsets.count) partitions); the old group is left as it was"
                )
            }
        } catch {
            throw EngineError(
                .commitFailed, context: renames.map(\.new).joined(separator: ","),
                "cannot carry offsets over from the pre-0.7 consumer groups: \(error)")
        }
        return adopted
    }

    /// The offsets `group` has committed on `partitions` (partitions without one are absent).
    private static func committedOffsets(
        of group: String,
        _ partitions: [KafkaTopicPartition],
        configuration: EngineConfiguration,
        logger: Logger
    ) async throws -> [KafkaTopicPartition: Int64] {
        let probe = try makeProbe(group: group, configuration: configuration, logger: logger)
        let committed: [KafkaTopicPartition: Int64?]
        do {
            committed = try await probe.committed(partitions)
            await probe.close()
        } catch {
            await probe.close()
            throw error
        }
        return committed.compactMapValues { $0 }
    }

    /// A consumer of `group` that never subscribes: it only reads and writes the group's offsets.
    private static func makeProbe(group: String, configuration: EngineConfiguration, logger: Logger) throws -> KafkaConsumer {
        try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(
                bootstrapServers: configuration.brokers,
                groupID: group,
                clientID: "leadledger-group-migration",
                properties: configuration.properties
            ),
            logger: logger
        )
    }
}

extension EngineConfiguration {
    /// Adopts the pre-0.7 groups' offsets where the default group names apply (``GroupMigration``).
    package func adoptLegacyGroupOffsets(logger: Logger) async throws(EngineError) -> [String: Int] {
        try await GroupMigration.adoptOffsets(groups.renames(topics: topics), configuration: self, logger: logger)
    }
}
