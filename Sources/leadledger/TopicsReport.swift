import Kafka

/// What `leadledger topics list --format json` prints (schemas/cli/topics-list.schema.json).
struct TopicsReport: Encodable {
    /// One topic with its partitions.
    struct Topic: Encodable {
        /// One partition: its leader, replicas and in-sync replicas (broker ids).
        struct Partition: Encodable {
            var id: Int32
            var leader: Int32
            var replicas: [Int32]
            var isr: [Int32]
        }

        var name: String
        var partitions: [Partition]
        /// The topic's metadata error code, or null.
        var error: String?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(partitions, forKey: .partitions)
            try container.encode(error, forKey: .error)
        }

        enum CodingKeys: String, CodingKey { case name, partitions, error }
    }

    var topics: [Topic]

    /// The report of the given metadata.
    init(_ metadata: [KafkaTopicMetadata]) {
        topics = metadata.map { topic in
            Topic(
                name: topic.name,
                partitions: topic.partitions.map {
                    Topic.Partition(id: $0.id, leader: $0.leader, replicas: $0.replicas, isr: $0.inSyncReplicas)
                },
                error: topic.error.map { "\($0.code)" }
            )
        }
    }
}
