import Kafka
import Logging

/// Measures each stage's lag: for every input partition of the validate
/// (the inbound topics and `leadledger.control`), identity and materialize stages, the stage group's committed offset and the
/// records after it. Records are counted by reading from the committed offset
/// to the end (the development broker answers ListOffsets with a fixed
/// offset, so high watermarks cannot be trusted there); on a quiet, caught-up
/// engine that reads nothing.
package struct StageLagProbe: Sendable {
    /// One stage's consumer group and input partitions.
    package struct StageInputs: Sendable {
        package var stage: String
        package var group: String
        package var partitions: [KafkaTopicPartition]
    }

    package let configuration: EngineConfiguration
    package let logger: Logger

    package init(configuration: EngineConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// The stages and their input partitions, from cluster metadata.
    /// - Throws: ``EngineError`` `topic_setup` when an input topic has no partitions.
    package func inputs() async throws -> [StageInputs] {
        let topics = configuration.topics
        let groups = configuration.groups
        let stages: [(name: String, group: String, topics: [String])] = [
            ("validate", groups.validate, [topics.crm, topics.web, topics.email, topics.control]),
            ("identity", groups.identity, [topics.identity]),
            ("materialize", groups.materialize, [topics.events]),
        ]
        let admin = try KafkaAdminClient(
            configuration: KafkaAdminConfiguration(bootstrapServers: configuration.brokers, properties: configuration.properties),
            logger: logger)
        let metadata = try await admin.listTopics()
        await admin.close()
        return try stages.map { stage in
            var members: [KafkaTopicPartition] = []
            for topic in stage.topics {
                let ids = metadata.first { $0.name == topic }?.partitions.map(\.id) ?? []
                // The control topic exists once a release with model activation created the topics.
                if ids.isEmpty && topic == topics.control { continue }
                if ids.isEmpty {
                    throw EngineError(.topicSetup, context: topic, "topic \(topic) has no partitions (does it exist?)")
                }
                members += ids.sorted().map { KafkaTopicPartition(topic: topic, partition: $0) }
            }
            return StageInputs(stage: stage.name, group: stage.group, partitions: members)
        }
    }

    /// One measurement of every stage in `inputs`.
    package func measure(_ inputs: [StageInputs]) async throws -> LagReport {
        let reader = LogReader(client: configuration.client("leadledger-lag"), logger: logger)
        var stages: [LagReport.Stage] = []
        for input in inputs {
            let probe = try KafkaConsumer(
                configuration: KafkaConsumerConfiguration(
                    bootstrapServers: configuration.brokers, groupID: input.group, clientID: "leadledger-lag",
                    properties: configuration.properties), logger: logger)
            let committed = try await probe.committed(input.partitions)
            await probe.close()
            var stage = LagReport.Stage(stage: input.stage, group: input.group)
            for partition in input.partitions {
                let from = (committed[partition] ?? nil) ?? 0
                var count = 0
                _ = try await reader.fold(topic: partition.topic, partition: partition.partition, from: from, to: nil, into: &count) {
                    count, _ in count += 1
                }
                stage.partitions.append(.init(topic: partition.topic, partition: partition.partition, committed: from, behind: count))
                stage.committed += from
                stage.behind += count
            }
            stages.append(stage)
        }
        return LagReport(stages: stages)
    }
}
